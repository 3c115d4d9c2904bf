// Keep a console window from opening beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before WebKit or any thread starts (decision 0059).
    scopebook_app::rendering::paint_on_cpu_without_gpu();
    scopebook_app::run();
}
