//! The command line's own work, apart from the subcommands' dispatch in `main.rs`.

pub mod files;
