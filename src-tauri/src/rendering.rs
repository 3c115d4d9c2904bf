//! How WebKitGTK paints (decision 0059): on a machine without a GPU, Skia's GPU path runs on
//! llvmpipe (Mesa's software OpenGL), which costs the web process tens of MB of compiled drawing
//! programs and painted tiles and seconds of CPU at start-up; Skia's own CPU path paints the same
//! pixels more cheaply. WebKitGTK reads `WEBKIT_SKIA_ENABLE_CPU_RENDERING` once, when it starts,
//! so it is set here, before the window exists, and only where no GPU render node is present.
//! A value the user set is left as it is. Other platforms (WebView2, WKWebView) do not read it.

/// The switch WebKitGTK reads.
pub const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Whether `names` (the entries of `/dev/dri`) hold a GPU render node (`renderD128`, …).
pub fn has_render_node<I: IntoIterator<Item = String>>(names: I) -> bool {
    names.into_iter().any(|n| n.starts_with("renderD"))
}

/// Ask WebKitGTK to paint on the CPU when there is no GPU (no `/dev/dri/renderD*`) and the user
/// has not chosen; call before anything starts a thread.
#[cfg(target_os = "linux")]
pub fn paint_on_cpu_without_gpu() {
    if std::env::var_os(CPU_RENDERING).is_some() {
        return;
    }
    let names = std::fs::read_dir("/dev/dri")
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect::<Vec<_>>())
        .unwrap_or_default();
    if !has_render_node(names) {
        std::env::set_var(CPU_RENDERING, "1");
    }
}

/// Nothing to choose off Linux.
#[cfg(not(target_os = "linux"))]
pub fn paint_on_cpu_without_gpu() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_render_node_counts_as_a_gpu() {
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        assert!(has_render_node(names(&["card0", "renderD128"])));
        // A display-only card (a virtual machine's) or no /dev/dri at all: no GPU to paint with.
        assert!(!has_render_node(names(&["card0"])));
        assert!(!has_render_node(names(&[])));
    }
}
