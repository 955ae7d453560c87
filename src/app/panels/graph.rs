//! The step graph, drawn from the core's layered layout: pan by dragging, zoom with Ctrl+wheel
//! or the buttons, Fit to see everything. Steps and inspections are clickable; MATCH rules are
//! arrows labelled with their pattern; what changed since the previous layout is coloured.

use crate::shown::{Shown, shown};
use egui::{Color32, CornerRadius, FontId, Pos2, Rect, RichText, Sense, Stroke, Vec2};

use super::{bad, failing_subjects, highlight, replay_focus, semantic};
use crate::app::{AppState, Command, Selection};
use crate::graph::{Change, NodeKind, StepGraph};
use crate::workspace::{LayoutView, Workspace};

pub struct GraphPanel {
    pub offset: Vec2,
    pub scale: f32,
    /// Fit the graph into the view at the next frame (after opening, on request).
    pub fit_pending: bool,
    /// Keep fitting as the view changes size, until the user pans or zooms.
    pub auto_fit: bool,
    /// Where the canvas was drawn last (for the PNG export).
    pub last_rect: Option<Rect>,
    /// Draw what changed since the earlier layout (off until asked for).
    pub compare: bool,
}

impl Default for GraphPanel {
    fn default() -> GraphPanel {
        GraphPanel {
            offset: Vec2::ZERO,
            scale: 1.0,
            fit_pending: true,
            auto_fit: true,
            last_rect: None,
            compare: false,
        }
    }
}

const MARGIN: f32 = 30.0;

fn change_color(visuals: &egui::Visuals, change: Change, normal: Color32) -> Color32 {
    match change {
        Change::Same => normal,
        Change::Added => semantic(visuals).compare_added,
        Change::Removed => semantic(visuals).compare_removed,
        Change::Changed => semantic(visuals).compare_changed,
    }
}

pub fn ui(
    state: &mut AppState,
    workspace: &Workspace,
    layout: &LayoutView,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| super::path_label(ui, &layout.source, true));
    let mut graph = &layout.graph;
    if let Some(comparison) = &layout.comparison {
        ui.horizontal(|ui| {
            let mut compare = state.graph.compare;
            if ui
                .checkbox(&mut compare, "Compare with the earlier layout")
                .on_hover_text(format!("The layout against {}", Shown(&comparison.with)))
                .changed()
            {
                commands.push(Command::CompareLayouts(compare));
            }
            if state.graph.compare {
                compare_legend(ui);
            }
        });
        if state.graph.compare {
            graph = &comparison.graph;
        }
    }
    let (failing, _) = failing_subjects(workspace);
    let focus = replay_focus(state, workspace);
    let marks = Marks {
        selected: match &state.selection {
            Selection::Step(name) => Some(name.clone()),
            _ => None,
        },
        failing,
        current: focus.step.clone(),
        current_failed: focus.failed,
    };
    canvas(&mut state.graph, graph, marks, ui, |name| {
        commands.push(Command::Select(Selection::Step(name)))
    });
}

fn compare_legend(ui: &mut egui::Ui) {
    for (color, what) in [
        (semantic(ui).compare_added, "added"),
        (semantic(ui).compare_removed, "removed (dashed)"),
        (semantic(ui).compare_changed, "changed"),
    ] {
        ui.label(RichText::new(what).color(color).small());
    }
}

/// Which nodes stand out.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    pub selected: Option<String>,
    /// The first failing check is about it.
    pub failing: Option<String>,
    /// The replay's current check is about it.
    pub current: Option<String>,
    pub current_failed: bool,
}

/// Draws `graph` with zoom buttons, pan and zoom; `on_click` gets the name of a clicked node.
pub fn canvas(
    panel: &mut GraphPanel,
    graph: &StepGraph,
    marks: Marks,
    ui: &mut egui::Ui,
    mut on_click: impl FnMut(String),
) {
    ui.horizontal(|ui| {
        if ui.button("−").on_hover_text("Zoom out").clicked() {
            panel.scale = (panel.scale / 1.2).max(0.15);
            panel.auto_fit = false;
        }
        if ui.button("+").on_hover_text("Zoom in").clicked() {
            panel.scale = (panel.scale * 1.2).min(4.0);
            panel.auto_fit = false;
        }
        if ui.button("Fit").clicked() {
            panel.fit_pending = true;
        }
    });
    // Long labels above may have widened the panel's layout past what is visible; the canvas
    // is what is on screen.
    let visible = ui.available_rect_before_wrap().intersect(ui.clip_rect());
    let (rect, response) = ui.allocate_exact_size(visible.size(), Sense::click_and_drag());
    let resized = panel
        .last_rect
        .is_none_or(|last| last.size() != rect.size());
    panel.last_rect = Some(rect);
    let drawing = &graph.drawing;
    if panel.fit_pending {
        panel.auto_fit = true;
    }
    if (panel.fit_pending || (panel.auto_fit && resized)) && rect.width() > 10.0 {
        let scale_x = rect.width() / (drawing.width + 2.0 * MARGIN).max(1.0);
        let scale_y = rect.height() / (drawing.height + 2.0 * MARGIN).max(1.0);
        panel.scale = scale_x.min(scale_y).clamp(0.15, 1.6);
        let content = Vec2::new(drawing.width, drawing.height) * panel.scale;
        panel.offset = (rect.size() - content) / 2.0;
        panel.fit_pending = false;
    }
    if response.dragged() {
        panel.offset += response.drag_delta();
        panel.auto_fit = false;
    }
    if response.hovered() {
        let zoom = ui.input(|i| i.zoom_delta());
        if zoom != 1.0 {
            let pointer = ui.input(|i| i.pointer.hover_pos()).unwrap_or(rect.center());
            let before = (pointer - rect.min - panel.offset) / panel.scale;
            panel.scale = (panel.scale * zoom).clamp(0.15, 4.0);
            panel.auto_fit = false;
            panel.offset = pointer - rect.min - before * panel.scale;
        }
    }
    let scale = panel.scale;
    let origin = rect.min + panel.offset;
    let to_screen = |(x, y): (f32, f32)| Pos2::new(origin.x + x * scale, origin.y + y * scale);
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    painter.rect_filled(rect, 0.0, visuals.extreme_bg_color);
    let text_color = visuals.text_color();
    let weak = visuals.weak_text_color();

    for (edge, points) in graph.edges.iter().zip(&drawing.edges) {
        let color = change_color(&visuals, edge.change, weak);
        let screen: Vec<Pos2> = points.iter().map(|p| to_screen(*p)).collect();
        let stroke = Stroke::new(1.6, color);
        if edge.change == Change::Removed {
            for pair in screen.windows(2) {
                painter.extend(egui::Shape::dashed_line(
                    &[pair[0], pair[1]],
                    stroke,
                    6.0,
                    4.0,
                ));
            }
        } else {
            painter.add(egui::Shape::line(screen.clone(), stroke));
        }
        if let [.., before, end] = screen.as_slice() {
            let direction = (*end - *before).normalized();
            let normal = Vec2::new(-direction.y, direction.x);
            let size = 9.0 * scale.max(0.5);
            painter.add(egui::Shape::convex_polygon(
                vec![
                    *end,
                    *end - direction * size + normal * size * 0.5,
                    *end - direction * size - normal * size * 0.5,
                ],
                color,
                Stroke::NONE,
            ));
        }
        if scale >= 0.45 {
            let middle = screen.len() / 2;
            let at = if screen.len().is_multiple_of(2) {
                screen[middle - 1] + (screen[middle] - screen[middle - 1]) / 2.0
            } else {
                screen[middle]
            };
            painter.text(
                at - Vec2::new(0.0, 8.0),
                egui::Align2::CENTER_BOTTOM,
                shown(&edge.pattern),
                FontId::proportional(11.0 * scale.clamp(0.8, 1.4)),
                color,
            );
        }
    }

    for (index, (node, bounds)) in graph.nodes.iter().zip(&drawing.nodes).enumerate() {
        let screen = Rect::from_min_size(
            to_screen((bounds.x, bounds.y)),
            Vec2::new(bounds.width, bounds.height) * scale,
        );
        let selected = marks.selected.as_deref() == Some(node.name.as_str());
        let failing = marks.failing.as_deref() == Some(node.name.as_str());
        let current = marks.current.as_deref() == Some(node.name.as_str());
        let fill = match node.kind {
            NodeKind::Step => visuals.widgets.inactive.bg_fill,
            NodeKind::Inspection => visuals.faint_bg_color,
            NodeKind::Missing => visuals.extreme_bg_color,
        };
        let outline = if current && marks.current_failed {
            bad(ui)
        } else if current {
            highlight(ui)
        } else if failing {
            bad(ui)
        } else if selected {
            highlight(ui)
        } else {
            change_color(
                &visuals,
                node.change,
                visuals.widgets.inactive.fg_stroke.color,
            )
        };
        let radius = match node.kind {
            NodeKind::Inspection => CornerRadius::same((18.0 * scale) as u8),
            _ => CornerRadius::same((5.0 * scale) as u8),
        };
        painter.rect_filled(screen, radius, fill);
        let width = if current {
            4.5
        } else if selected || failing {
            3.0
        } else {
            1.8
        };
        if current {
            painter.rect_filled(
                screen.expand(6.0 * scale),
                radius,
                outline.gamma_multiply(0.18),
            );
        }
        if node.change == Change::Removed || node.kind == NodeKind::Missing {
            let corners = [
                screen.left_top(),
                screen.right_top(),
                screen.right_bottom(),
                screen.left_bottom(),
                screen.left_top(),
            ];
            painter.extend(egui::Shape::dashed_line(
                &corners,
                Stroke::new(width, outline),
                6.0,
                4.0,
            ));
        } else {
            painter.rect_stroke(
                screen,
                radius,
                Stroke::new(width, outline),
                egui::StrokeKind::Inside,
            );
        }
        let detail = node.detail();
        if scale >= 0.3 {
            painter.text(
                screen.center() - Vec2::new(0.0, 9.0 * scale),
                egui::Align2::CENTER_CENTER,
                shown(&node.name),
                FontId::proportional(15.0 * scale),
                text_color,
            );
            painter.text(
                screen.center() + Vec2::new(0.0, 13.0 * scale),
                egui::Align2::CENTER_CENTER,
                detail,
                FontId::proportional(11.5 * scale),
                weak,
            );
            let tag = match node.change {
                Change::Same => None,
                Change::Added => Some("added"),
                Change::Removed => Some("removed"),
                Change::Changed => Some("changed"),
            };
            if let Some(tag) = tag {
                painter.text(
                    screen.right_top() + Vec2::new(-6.0, 4.0),
                    egui::Align2::RIGHT_TOP,
                    tag,
                    FontId::proportional(10.0 * scale.max(0.8)),
                    outline,
                );
            }
        }
        let kind = match node.kind {
            NodeKind::Step => "step",
            NodeKind::Inspection => "inspection",
            NodeKind::Missing => "missing step",
        };
        let label = format!("{kind} {}", Shown(&node.name));
        let hover = match node.change {
            Change::Same => label.clone(),
            Change::Added => format!("{label}\nadded since the earlier layout"),
            Change::Removed => format!("{label}\nremoved since the earlier layout"),
            Change::Changed => format!(
                "{label}\nchanged since the earlier layout:\n{}",
                node.what_changed
                    .iter()
                    .map(|what| format!("• {}", Shown(what)))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        };
        let node_response = ui
            .interact(
                screen.intersect(rect),
                ui.scope_id().with(("graph_node", index)),
                Sense::click(),
            )
            .on_hover_text(hover);
        node_response
            .widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &label));
        if node_response.clicked() {
            on_click(node.name.clone());
        }
    }
}
