//! SVG export of the step graph and the delegation tree, from the same coordinates the app
//! draws with. Plain SVG 1.1: it opens in a browser, Inkscape, or a slide deck.

use std::fmt::Write as _;

use super::tree::{DelegationTree, Reach, Row};
use super::{Change, NodeKind, StepGraph};

/// Escapes text for an XML attribute or element.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

const MARGIN: f32 = 40.0;

fn change_color(change: Change) -> &'static str {
    match change {
        Change::Same => "#4a5568",
        // The app's comparison colours: never the failure red or the pass green.
        Change::Added => "#28aab4",
        Change::Removed => "#a078e1",
        Change::Changed => "#d7b43c",
    }
}

/// The step graph: a box per step or inspection (id `node-<index>`), a path per MATCH rule
/// (id `edge-<index>`) labelled with its pattern.
pub fn step_graph(graph: &StepGraph, title: &str) -> String {
    let drawing = &graph.drawing;
    let width = drawing.width + 2.0 * MARGIN;
    let height = drawing.height + 2.0 * MARGIN + 30.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    svg.push_str(r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#4a5568"/></marker></defs>"##);
    svg.push('\n');
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/><text x="{MARGIN}" y="24" font-size="15" font-weight="bold">{}</text>"##,
        escape(title)
    );
    let dy = MARGIN + 30.0;
    for (i, (edge, points)) in graph.edges.iter().zip(&drawing.edges).enumerate() {
        let d: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", x + MARGIN, y + dy))
            .collect();
        let dash = if edge.change == Change::Removed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            r#"<polyline id="edge-{i}" data-from="{}" data-to="{}" points="{}" fill="none" stroke="{}" stroke-width="1.5"{dash} marker-end="url(#arrow)"><title>{}</title></polyline>"#,
            escape(&graph.nodes[edge.from].name),
            escape(&graph.nodes[edge.to].name),
            d.join(" "),
            change_color(edge.change),
            escape(&edge.rule),
        );
        let middle = points[points.len() / 2 - usize::from(points.len() % 2 == 0)];
        let next = points[(points.len() / 2).min(points.len() - 1)];
        let (lx, ly) = ((middle.0 + next.0) / 2.0, (middle.1 + next.1) / 2.0);
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#495057" font-size="11">{}</text>"##,
            lx + MARGIN,
            ly + dy - 4.0,
            escape(&edge.pattern)
        );
    }
    for (i, (node, rect)) in graph.nodes.iter().zip(&drawing.nodes).enumerate() {
        let (fill, shape) = match node.kind {
            NodeKind::Step => ("#e7f5ff", "4"),
            NodeKind::Inspection => ("#f3f0ff", "18"),
            NodeKind::Missing => ("#fff5f5", "0"),
        };
        let dash = if matches!(node.change, Change::Removed) || node.kind == NodeKind::Missing {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            r#"<g id="node-{i}" data-name="{}" data-kind="{:?}" data-change="{:?}">"#,
            escape(&node.name),
            node.kind,
            node.change
        );
        let _ = writeln!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{shape}" fill="{fill}" stroke="{}" stroke-width="2"{dash}/>"#,
            rect.x + MARGIN,
            rect.y + dy,
            rect.width,
            rect.height,
            change_color(node.change)
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="bold" font-size="14">{}</text>"#,
            rect.x + MARGIN + rect.width / 2.0,
            rect.y + dy + 26.0,
            escape(&node.name)
        );
        let detail = node.detail();
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#495057">{}</text>"##,
            rect.x + MARGIN + rect.width / 2.0,
            rect.y + dy + 48.0,
            escape(&detail)
        );
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}

const ROW_HEIGHT: f32 = 30.0;
const INDENT: f32 = 28.0;

/// The delegation tree as an indented diagram: a box per row (id `row-<index>`), succinct bins
/// as one box.
pub fn delegation_tree(tree: &DelegationTree, title: &str) -> String {
    let width = 900.0;
    let height = tree.rows.len() as f32 * ROW_HEIGHT + 2.0 * MARGIN + 30.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/><text x="{MARGIN}" y="24" font-size="15" font-weight="bold">{}</text>"##,
        escape(title)
    );
    let top = MARGIN + 30.0;
    // Connectors first, so boxes cover their ends.
    let mut parents: Vec<usize> = Vec::new();
    for (i, row) in tree.rows.iter().enumerate() {
        parents.truncate(row.depth());
        if let Some(&parent) = parents.last() {
            let px = MARGIN + tree.rows[parent].depth() as f32 * INDENT + 10.0;
            let py = top + parent as f32 * ROW_HEIGHT + 22.0;
            let y = top + i as f32 * ROW_HEIGHT + 11.0;
            let x = MARGIN + row.depth() as f32 * INDENT;
            let _ = writeln!(
                svg,
                r##"<path d="M {px:.1} {py:.1} L {px:.1} {y:.1} L {x:.1} {y:.1}" fill="none" stroke="#adb5bd"/>"##
            );
        }
        parents.push(i);
    }
    for (i, row) in tree.rows.iter().enumerate() {
        let x = MARGIN + row.depth() as f32 * INDENT;
        let y = top + i as f32 * ROW_HEIGHT;
        let (name, text, color) = match row {
            Row::Role(role) => {
                let status = tree.status(role);
                let color = match status {
                    Some(s) if s.problem.is_some() => "#c92a2a",
                    Some(s) if s.expired == Some(true) => "#c92a2a",
                    Some(_) => "#2f9e44",
                    None => "#868e96",
                };
                let mut text = format!(
                    "{} of {}",
                    role.threshold,
                    crate::shown::counted(role.keyids.len(), "key")
                );
                if let Some(s) = status {
                    if let Some(v) = s.version {
                        let _ = write!(text, " · v{v}");
                    }
                    if let Some(e) = &s.expires {
                        let _ = write!(text, " · expires {e}");
                    }
                    if let Some(p) = &s.problem {
                        let _ = write!(text, " · {p}");
                    }
                } else {
                    text.push_str(" · not loaded");
                }
                match &role.reach {
                    Reach::Paths(paths) => {
                        let _ = write!(text, " · paths {}", paths.join(", "));
                    }
                    Reach::HashPrefixes(prefixes) => {
                        let _ = write!(text, " · {} hash prefixes", prefixes.len());
                    }
                    Reach::Nothing => text.push_str(" · no paths"),
                    Reach::TopLevel => {}
                }
                if role.terminating {
                    text.push_str(" · terminating");
                }
                (role.role.clone(), text, color)
            }
            Row::Bins(bins) => (
                format!("{}-*", bins.name_prefix),
                format!(
                    "{} succinct bins · {} of {} · {} loaded",
                    bins.count(),
                    bins.threshold,
                    crate::shown::counted(bins.keyids.len(), "key"),
                    bins.loaded.len()
                ),
                "#1971c2",
            ),
        };
        let _ = writeln!(
            svg,
            r##"<g id="row-{i}" data-role="{}"><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="22" rx="4" fill="#f8f9fa" stroke="{color}" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" font-weight="bold">{}</text><text x="{:.1}" y="{:.1}" fill="#495057">{}</text></g>"##,
            escape(&name),
            width - x - MARGIN,
            x + 8.0,
            y + 15.0,
            escape(&name),
            x + 8.0 + 8.0 * name.chars().count() as f32 + 16.0,
            y + 15.0,
            escape(&text)
        );
    }
    svg.push_str("</svg>\n");
    svg
}
