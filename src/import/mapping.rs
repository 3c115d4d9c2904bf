//! See the module list in `import/mod.rs`.
