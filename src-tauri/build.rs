fn main() {
    // The app embeds the built UI. Say how to build it rather than fail obscurely.
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", dist.display());
    if !dist.exists() {
        println!(
            "cargo:warning=ui/dist is missing: build the UI first (npm --prefix ui ci && npm --prefix ui run build; scripts/run.sh and scripts/test.sh do this)"
        );
    }
    tauri_build::build();
}
