//! Writing the pictures: SVG from the core's graph data, PNG from what is on screen.

use std::path::Path;

use super::Picture;
use crate::graph::svg;
use crate::workspace::Workspace;

/// Writes the step graph or delegation tree of `workspace` as SVG; the step graph as shown,
/// with the layout comparison when `compared`.
pub fn write_svg(
    workspace: &Workspace,
    picture: Picture,
    compared: bool,
    path: &Path,
) -> Result<(), String> {
    let title = workspace.source.describe();
    let text = match picture {
        Picture::StepGraph => {
            let layout = workspace
                .layout
                .as_ref()
                .ok_or("nothing open has a layout, so there is no step graph")?;
            let graph = match &layout.comparison {
                Some(comparison) if compared => &comparison.graph,
                _ => &layout.graph,
            };
            svg::step_graph(graph, &format!("Step graph: {}", layout.source))
        }
        Picture::DelegationTree => {
            let tree = workspace
                .tree
                .as_ref()
                .ok_or("nothing open is a TUF repository, so there is no delegation tree")?;
            svg::delegation_tree(tree, &format!("Delegation tree: {title}"))
        }
    };
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `image` (a window screenshot), cropped to `area` (in points) when given, as PNG.
pub fn write_png(
    image: &egui::ColorImage,
    area: Option<egui::Rect>,
    pixels_per_point: f32,
    path: &Path,
) -> Result<(), String> {
    let [width, height] = image.size;
    let (x0, y0, x1, y1) = match area {
        Some(rect) => {
            let clamp =
                |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
            (
                clamp(rect.min.x, width),
                clamp(rect.min.y, height),
                clamp(rect.max.x, width),
                clamp(rect.max.y, height),
            )
        }
        None => (0, 0, width, height),
    };
    if x1 <= x0 || y1 <= y0 {
        return Err("the area to export is empty".into());
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for pixel in &image.pixels[y * width + x0..y * width + x1] {
            rgba.extend_from_slice(&pixel.to_srgba_unmultiplied());
        }
    }
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut encoder = png::Encoder::new(
        std::io::BufWriter::new(file),
        (x1 - x0) as u32,
        (y1 - y0) as u32,
    );
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    writer
        .write_image_data(&rgba)
        .map_err(|e| format!("{}: {e}", path.display()))
}
