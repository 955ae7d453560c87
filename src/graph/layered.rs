//! A layered (Sugiyama-style) drawing of a directed graph: cycles broken, longest-path layers,
//! long edges split by dummy points, barycenter sweeps against crossings, then coordinates.
//! Everything is ordered by node index and stable sorts, so one graph always gets the same
//! picture, on every run and every machine.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef as _;

/// Sizes the drawing is computed for (logical pixels; the viewer scales).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    pub node_width: f32,
    pub node_height: f32,
    /// Between two layers (columns: the flow runs left to right).
    pub layer_gap: f32,
    /// Between two nodes of one layer.
    pub node_gap: f32,
    /// Layers as rows, flowing down (else as columns, flowing right).
    pub top_to_bottom: bool,
}

impl Default for Spacing {
    fn default() -> Spacing {
        Spacing {
            node_width: 180.0,
            node_height: 62.0,
            layer_gap: 70.0,
            node_gap: 40.0,
            top_to_bottom: true,
        }
    }
}

/// An axis-aligned box, top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }

    pub fn center(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }
}

/// The computed drawing: a box per node (same indices as the graph) and a polyline per edge
/// (same indices), from the source box's downstream side to the target box's upstream side.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Drawing {
    pub nodes: Vec<Rect>,
    pub edges: Vec<Vec<(f32, f32)>>,
    /// The layer of each node (0 = sources).
    pub layers: Vec<usize>,
    /// Edges drawn against their direction to break a cycle.
    pub reversed: Vec<bool>,
    /// Crossings between adjacent layers (dummy points included) in the final order.
    pub crossings: usize,
    /// Crossings after one barycenter sweep from the initial order: the final order is never
    /// worse than this.
    pub crossings_after_one_pass: usize,
    pub width: f32,
    pub height: f32,
}

/// A slot in a layer: a real node, or a point of an edge that spans several layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Node(usize),
    Dummy { edge: usize, step: usize },
}

/// Lays out `graph`. Node weights and edge weights are not looked at.
pub fn layout<N, E>(graph: &DiGraph<N, E>, spacing: Spacing) -> Drawing {
    let n = graph.node_count();
    let reversed = cycle_breaking(graph);
    // Edges as (from, to) after reversal; self loops do not constrain layers.
    let oriented: Vec<(usize, usize)> = graph
        .edge_references()
        .map(|e| {
            let (a, b) = (e.source().index(), e.target().index());
            if reversed[e.id().index()] {
                (b, a)
            } else {
                (a, b)
            }
        })
        .collect();
    let layers = longest_path_layers(n, &oriented);
    let layer_count = layers.iter().copied().max().map_or(0, |m| m + 1);

    // Each layer's slots, in initial order: nodes by index, then edge points.
    let mut slots: Vec<Vec<Slot>> = vec![Vec::new(); layer_count];
    for (node, &layer) in layers.iter().enumerate() {
        slots[layer].push(Slot::Node(node));
    }
    // Per edge, its chain of slots from source to target.
    let mut chains: Vec<Vec<Slot>> = Vec::with_capacity(oriented.len());
    for (edge, &(a, b)) in oriented.iter().enumerate() {
        let mut chain = vec![Slot::Node(a)];
        if a != b {
            for (step, layer) in (layers[a] + 1..layers[b]).enumerate() {
                let dummy = Slot::Dummy { edge, step };
                slots[layer].push(dummy);
                chain.push(dummy);
            }
        }
        chain.push(Slot::Node(b));
        chains.push(chain);
    }
    // Links between adjacent layers, as slot pairs (upper layer, lower layer).
    let mut links: Vec<(Slot, Slot)> = Vec::new();
    for chain in &chains {
        for pair in chain.windows(2) {
            if pair[0] != pair[1] {
                links.push((pair[0], pair[1]));
            }
        }
    }

    let mut order = slots;
    let mut first_pass = order.clone();
    sweep_down(&mut first_pass, &links);
    let crossings_after_one_pass = count_crossings(&first_pass, &links);
    let mut best = first_pass.clone();
    let mut best_crossings = crossings_after_one_pass;
    order = first_pass;
    for round in 0..12 {
        if round % 2 == 0 {
            sweep_up(&mut order, &links);
        } else {
            sweep_down(&mut order, &links);
        }
        let crossings = count_crossings(&order, &links);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = order.clone();
        }
        if best_crossings == 0 {
            break;
        }
    }

    // Coordinates, first as (along the flow, across it): a band per layer, slots stacked
    // across it and centred on the widest band; then mapped to x and y by the orientation.
    let (along, across) = if spacing.top_to_bottom {
        (spacing.node_height, spacing.node_width)
    } else {
        (spacing.node_width, spacing.node_height)
    };
    let dummy_size = 8.0;
    let slot_size = |slot: &Slot| match slot {
        Slot::Node(_) => across,
        Slot::Dummy { .. } => dummy_size,
    };
    let band_size = |band: &[Slot]| -> f32 {
        band.iter().map(slot_size).sum::<f32>()
            + spacing.node_gap * band.len().saturating_sub(1) as f32
    };
    let breadth = best.iter().map(|b| band_size(b)).fold(0.0_f32, f32::max);
    let place = |u: f32, v: f32| {
        if spacing.top_to_bottom {
            (v, u)
        } else {
            (u, v)
        }
    };
    let mut node_boxes = vec![
        Rect {
            x: 0.0,
            y: 0.0,
            width: spacing.node_width,
            height: spacing.node_height,
        };
        n
    ];
    let mut dummy_points: std::collections::BTreeMap<(usize, usize), (f32, f32)> =
        Default::default();
    for (layer, band) in best.iter().enumerate() {
        let u = layer as f32 * (along + spacing.layer_gap);
        let mut v = (breadth - band_size(band)) / 2.0;
        for slot in band {
            match *slot {
                Slot::Node(node) => {
                    let (x, y) = place(u, v);
                    node_boxes[node].x = x;
                    node_boxes[node].y = y;
                }
                Slot::Dummy { edge, step } => {
                    dummy_points.insert((edge, step), place(u + along / 2.0, v + dummy_size / 2.0));
                }
            }
            v += slot_size(slot) + spacing.node_gap;
        }
    }
    // Edges leave a box on its downstream side and enter the next on its upstream side.
    let exit = |r: &Rect| {
        if spacing.top_to_bottom {
            (r.center().0, r.y + r.height)
        } else {
            (r.x + r.width, r.center().1)
        }
    };
    let entry = |r: &Rect| {
        if spacing.top_to_bottom {
            (r.center().0, r.y)
        } else {
            (r.x, r.center().1)
        }
    };
    let edges = chains
        .iter()
        .enumerate()
        .map(|(edge, chain)| {
            let (a, b) = oriented[edge];
            let from = node_boxes[a];
            let to = node_boxes[b];
            let mut points = vec![exit(&from)];
            for slot in &chain[1..chain.len() - 1] {
                if let Slot::Dummy { edge, step } = *slot {
                    points.push(dummy_points[&(edge, step)]);
                }
            }
            if a == b {
                // A self loop: out of the downstream side, around the box, back in upstream.
                let (x, y) = (from.x + from.width + 20.0, from.y - 16.0);
                points.push((x, from.y + from.height + 16.0));
                points.push((x, y));
            }
            points.push(entry(&to));
            if reversed[edge] {
                points.reverse();
            }
            points
        })
        .collect();
    let length = if layer_count == 0 {
        0.0
    } else {
        layer_count as f32 * along + (layer_count - 1) as f32 * spacing.layer_gap
    };
    let (width, height) = place(length, breadth);
    Drawing {
        nodes: node_boxes,
        edges,
        layers,
        reversed,
        crossings: best_crossings,
        crossings_after_one_pass,
        width,
        height,
    }
}

/// Marks the edges to reverse so the graph has no cycle: the back edges of a depth-first
/// search started from each unvisited node in index order (self loops are left alone).
fn cycle_breaking<N, E>(graph: &DiGraph<N, E>) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut reversed = vec![false; graph.edge_count()];
    let mut mark = vec![Mark::New; graph.node_count()];
    for start in graph.node_indices() {
        if mark[start.index()] != Mark::New {
            continue;
        }
        // Explicit stack of (node, its outgoing edges sorted by index, next position).
        type Frame = (NodeIndex, Vec<(usize, NodeIndex)>, usize);
        let mut stack: Vec<Frame> = Vec::new();
        let outgoing = |node: NodeIndex| {
            let mut edges: Vec<(usize, NodeIndex)> = graph
                .edges_directed(node, Direction::Outgoing)
                .map(|e| (e.id().index(), e.target()))
                .collect();
            edges.sort();
            edges
        };
        mark[start.index()] = Mark::Open;
        stack.push((start, outgoing(start), 0));
        while let Some((node, edges, next)) = stack.last_mut() {
            if let Some(&(edge, target)) = edges.get(*next) {
                *next += 1;
                if target == *node {
                    continue;
                }
                match mark[target.index()] {
                    Mark::Open => reversed[edge] = true,
                    Mark::Done => {}
                    Mark::New => {
                        mark[target.index()] = Mark::Open;
                        let edges = outgoing(target);
                        stack.push((target, edges, 0));
                    }
                }
            } else {
                mark[node.index()] = Mark::Done;
                stack.pop();
            }
        }
    }
    reversed
}

/// Each node's layer: 0 for nodes without predecessors, else one more than the deepest one.
fn longest_path_layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut incoming = vec![0usize; n];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b {
            incoming[b] += 1;
            outgoing[a].push(b);
        }
    }
    let mut layer = vec![0usize; n];
    let mut ready: std::collections::VecDeque<usize> =
        (0..n).filter(|&v| incoming[v] == 0).collect();
    while let Some(v) = ready.pop_front() {
        for &w in &outgoing[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            incoming[w] -= 1;
            if incoming[w] == 0 {
                ready.push_back(w);
            }
        }
    }
    layer
}

fn positions(order: &[Vec<Slot>]) -> std::collections::HashMap<Slot, usize> {
    order
        .iter()
        .flat_map(|column| column.iter().enumerate().map(|(i, s)| (*s, i)))
        .collect()
}

/// Orders each layer after the first by the mean position of its neighbours above.
fn sweep_down(order: &mut [Vec<Slot>], links: &[(Slot, Slot)]) {
    for layer in 1..order.len() {
        let above = positions(&order[layer - 1..layer]);
        reorder(&mut order[layer], |slot| {
            links
                .iter()
                .filter(|(_, lower)| lower == slot)
                .filter_map(|(upper, _)| above.get(upper).copied())
                .collect()
        });
    }
}

/// Orders each layer before the last by the mean position of its neighbours below.
fn sweep_up(order: &mut [Vec<Slot>], links: &[(Slot, Slot)]) {
    for layer in (0..order.len().saturating_sub(1)).rev() {
        let below = positions(&order[layer + 1..layer + 2]);
        reorder(&mut order[layer], |slot| {
            links
                .iter()
                .filter(|(upper, _)| upper == slot)
                .filter_map(|(_, lower)| below.get(lower).copied())
                .collect()
        });
    }
}

/// Stable sort by barycenter; a slot without neighbours keeps its current position as its key.
fn reorder(column: &mut [Slot], neighbours: impl Fn(&Slot) -> Vec<usize>) {
    let mut keyed: Vec<(f32, usize, Slot)> = column
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let around = neighbours(slot);
            let key = if around.is_empty() {
                i as f32
            } else {
                around.iter().sum::<usize>() as f32 / around.len() as f32
            };
            (key, i, *slot)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (place, (_, _, slot)) in column.iter_mut().zip(keyed) {
        *place = slot;
    }
}

/// Pairs of links between the same two layers that cross.
fn count_crossings(order: &[Vec<Slot>], links: &[(Slot, Slot)]) -> usize {
    let at = positions(order);
    let layer_of: std::collections::HashMap<Slot, usize> = order
        .iter()
        .enumerate()
        .flat_map(|(layer, column)| column.iter().map(move |s| (*s, layer)))
        .collect();
    let mut by_layer: Vec<Vec<(usize, usize)>> = vec![Vec::new(); order.len()];
    for (upper, lower) in links {
        by_layer[layer_of[upper]].push((at[upper], at[lower]));
    }
    by_layer
        .iter()
        .map(|pairs| {
            let mut count = 0;
            for (i, a) in pairs.iter().enumerate() {
                for b in &pairs[i + 1..] {
                    if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                        count += 1;
                    }
                }
            }
            count
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, edges: &[(u32, u32)]) -> DiGraph<(), ()> {
        let mut g = DiGraph::new();
        for _ in 0..n {
            g.add_node(());
        }
        for &(a, b) in edges {
            g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), ());
        }
        g
    }

    #[test]
    fn layers_follow_the_longest_path_and_cycles_are_broken() {
        let g = graph(4, &[(0, 1), (1, 2), (0, 2), (2, 3), (3, 1)]);
        let d = layout(&g, Spacing::default());
        assert_eq!(d.reversed.iter().filter(|r| **r).count(), 1);
        assert!(d.reversed[4], "3 → 1 closes the cycle opened at 1");
        assert_eq!(d.layers, [0, 1, 2, 3]);
        assert_eq!(d.edges.len(), 5);
    }

    #[test]
    fn a_crossing_a_single_sweep_can_remove_is_removed() {
        // 0,1 on top; 2,3 below; 0→3 and 1→2 cross in the initial order.
        let g = graph(4, &[(0, 3), (1, 2)]);
        let d = layout(&g, Spacing::default());
        assert_eq!(d.crossings, 0);
        assert!(d.nodes[3].x < d.nodes[2].x, "3 moved across to sit over 0");
    }

    #[test]
    fn long_edges_bend_through_their_layers_and_boxes_never_overlap() {
        let g = graph(5, &[(0, 1), (1, 2), (2, 3), (0, 3), (4, 3)]);
        let d = layout(&g, Spacing::default());
        assert_eq!(d.edges[3].len(), 4, "two dummy points on 0 → 3");
        for (i, a) in d.nodes.iter().enumerate() {
            for b in &d.nodes[i + 1..] {
                assert!(!a.overlaps(b));
            }
        }
        assert_eq!(layout(&g, Spacing::default()), d);
    }
}
