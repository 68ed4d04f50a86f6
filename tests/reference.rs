//! The scenario reference (docs/scenario-reference.md) is generated from the format's own
//! source: every type an author can write, every field with its type, whether it is required
//! or its default, and its doc comment (meaning, unit, range); an example of each type from the
//! shipped scenarios. The check fails when the file is out of date, and when a field, variant or
//! type of the format has no doc comment, so the reference cannot drift from the code.
//!
//! Rewrite it after changing the format: `TIDEWATCH_BLESS=1 cargo test --test reference`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write;
use std::path::Path;

use syn::{Attribute, Expr, Fields, GenericArgument, Item, Lit, PathArguments, Type};

/// The files that define the format, in the order their types are read.
const SOURCES: &[&str] = &[
    "src/scenario/format.rs",
    "src/scenario/defaults.rs",
    "src/scenario/msel.rs",
    "src/scenario/command.rs",
];
/// Where examples come from, most explained first.
const EXAMPLES: &[&str] = &[
    "scenarios/tutorial.ron",
    "scenarios/tabletop-ransomware.ron",
    "scenarios/eastern-caribbean.ron",
];
const REFERENCE: &str = "docs/scenario-reference.md";
/// Types the generator does not descend into: values written as text, explained up front.
const VALUES: &[(&str, &str)] = &[
    ("String", "text"),
    ("f64", "number"),
    ("u32", "whole number"),
    ("u64", "whole number"),
    ("bool", "`true` or `false`"),
    ("Span", "duration"),
    ("When", "moment"),
    ("StartDate", "date and time"),
    ("UtcOffset", "UTC offset"),
];

/// One type of the format as its source declares it.
struct Declared {
    /// The name written in a file (a serde `rename`, else the Rust name).
    written: String,
    doc: String,
    /// Every field has a default (`#[serde(default)]` on the type).
    all_default: bool,
    shape: Shape,
}

enum Shape {
    Struct(Vec<Field>),
    Enum(Vec<Variant>),
}

struct Field {
    name: String,
    ty: Type,
    doc: String,
    /// `Some("")` for `#[serde(default)]`, `Some(f)` for `#[serde(default = "f")]`.
    default: Option<String>,
}

struct Variant {
    name: String,
    doc: String,
    fields: Fields,
}

fn doc_of(attrs: &[Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(l) => match &l.lit {
                    Lit::Str(s) => Some(s.value().trim().to_string()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect();
    lines.join(" ").trim().to_string()
}

/// What `#[serde(...)]` says: (default, default function, rename).
fn serde_of(attrs: &[Attribute]) -> (bool, Option<String>, Option<String>) {
    let (mut default, mut function, mut rename) = (false, None, None);
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                default = true;
                if let Ok(v) = meta.value() {
                    function = Some(v.parse::<syn::LitStr>()?.value());
                }
            } else if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    (default, function, rename)
}

/// Every struct and enum the sources declare, by Rust name.
fn declared(sources: &[(&str, String)]) -> BTreeMap<String, Declared> {
    let mut out = BTreeMap::new();
    for (path, text) in sources {
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for item in file.items {
            let (ident, attrs, shape) = match item {
                Item::Struct(s) => {
                    let fields = match &s.fields {
                        Fields::Named(named) => named
                            .named
                            .iter()
                            .map(|f| {
                                let (d, function, _) = serde_of(&f.attrs);
                                Field {
                                    name: f.ident.as_ref().unwrap().to_string(),
                                    ty: f.ty.clone(),
                                    doc: doc_of(&f.attrs),
                                    default: d.then(|| function.unwrap_or_default()),
                                }
                            })
                            .collect(),
                        _ => continue,
                    };
                    (s.ident, s.attrs, Shape::Struct(fields))
                }
                Item::Enum(e) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| Variant {
                            name: v.ident.to_string(),
                            doc: doc_of(&v.attrs),
                            fields: v.fields.clone(),
                        })
                        .collect();
                    (e.ident, e.attrs, Shape::Enum(variants))
                }
                _ => continue,
            };
            let (all_default, _, rename) = serde_of(&attrs);
            out.insert(
                ident.to_string(),
                Declared {
                    written: rename.unwrap_or_else(|| ident.to_string()),
                    doc: doc_of(&attrs),
                    all_default,
                    shape,
                },
            );
        }
    }
    out
}

/// The last segment of a type path and its type arguments.
fn parts(ty: &Type) -> (String, Vec<Type>) {
    match ty {
        Type::Path(p) => {
            let last = p.path.segments.last().unwrap();
            let args = match &last.arguments {
                PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        GenericArgument::Type(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (last.ident.to_string(), args)
        }
        Type::Tuple(t) => ("(tuple)".into(), t.elems.iter().cloned().collect()),
        _ => ("?".into(), Vec::new()),
    }
}

/// How a type is written, in words, with links to the format's own types.
fn written(ty: &Type, types: &BTreeMap<String, Declared>) -> String {
    let (name, args) = parts(ty);
    let arg = |k: usize| written(&args[k], types);
    match name.as_str() {
        "Vec" => format!("list of {}", arg(0)),
        "Option" => format!("`Some(`{}`)` or `None`", arg(0)),
        "BTreeMap" => format!("map of {} to {}", arg(0), arg(1)),
        "(tuple)" => {
            let inner: Vec<String> = (0..args.len()).map(arg).collect();
            format!("pair ({})", inner.join(", "))
        }
        _ => match VALUES.iter().find(|(n, _)| *n == name) {
            Some((_, words)) => words.to_string(),
            None => match types.get(&name) {
                Some(t) => format!("[{}](#{})", t.written, t.written.to_lowercase()),
                None => format!("`{name}`"),
            },
        },
    }
}

/// The format's types a type's fields and variants name, in order.
fn named_types(ty: &Type, out: &mut Vec<String>) {
    let (name, args) = parts(ty);
    out.push(name);
    for a in &args {
        named_types(a, out);
    }
}

/// A default function's value, read from its body: a literal, `"text".into()` or `Span(n)`.
fn default_fn(name: &str, sources: &[(&str, String)]) -> Result<String, String> {
    for (_, text) in sources {
        let file = syn::parse_file(text).unwrap();
        for item in file.items {
            let Item::Fn(f) = item else { continue };
            if f.sig.ident != name {
                continue;
            }
            let Some(syn::Stmt::Expr(body, None)) = f.block.stmts.first() else {
                break;
            };
            return match body {
                Expr::Lit(l) => match &l.lit {
                    Lit::Float(x) => Ok(x.base10_digits().to_string()),
                    Lit::Int(x) => Ok(x.base10_digits().to_string()),
                    Lit::Bool(b) => Ok(b.value.to_string()),
                    Lit::Str(s) => Ok(format!("\"{}\"", s.value())),
                    _ => Err(name.into()),
                },
                Expr::MethodCall(m) => match &*m.receiver {
                    Expr::Lit(l) => match &l.lit {
                        Lit::Str(s) => Ok(format!("\"{}\"", s.value())),
                        _ => Err(name.into()),
                    },
                    _ => Err(name.into()),
                },
                Expr::Call(c) => match (&*c.func, c.args.first()) {
                    (Expr::Path(p), Some(Expr::Lit(l))) if p.path.is_ident("Span") => {
                        match &l.lit {
                            Lit::Int(n) => Ok(format!(
                                "\"{}\"",
                                tidewatch::time::Span(n.base10_parse().unwrap())
                            )),
                            _ => Err(name.into()),
                        }
                    }
                    _ => Err(name.into()),
                },
                _ => Err(name.into()),
            };
        }
    }
    Err(name.into())
}

/// The values of a type whose every field has a default, as the code makes them.
fn type_defaults(name: &str) -> Option<serde_json::Value> {
    use tidewatch::scenario::{AssistancePolicy, Defaults, IntelPolicy};
    Some(match name {
        "Defaults" => serde_json::to_value(Defaults::default()).unwrap(),
        "IntelPolicy" => serde_json::to_value(IntelPolicy::default()).unwrap(),
        "AssistancePolicy" => serde_json::to_value(AssistancePolicy::default()).unwrap(),
        _ => return None,
    })
}

/// A JSON value as it is written in RON.
fn ron_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("\"{s}\""),
        serde_json::Value::Array(a) => {
            format!("[{}]", a.iter().map(ron_of).collect::<Vec<_>>().join(", "))
        }
        serde_json::Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", ron_of(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        serde_json::Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// The default of a field that has one, as written in a file.
fn default_text(
    owner: &str,
    f: &Field,
    all_default: bool,
    types: &BTreeMap<String, Declared>,
    sources: &[(&str, String)],
    missing: &mut Vec<String>,
) -> Option<String> {
    if all_default {
        let Some(values) = type_defaults(owner) else {
            missing.push(format!(
                "{owner}: every field has a default; add it to `type_defaults` in tests/reference.rs"
            ));
            return Some("?".into());
        };
        return Some(format!("`{}`", ron_of(&values[&f.name])));
    }
    let function = f.default.as_ref()?;
    if !function.is_empty() {
        return Some(match default_fn(function, sources) {
            Ok(v) => format!("`{v}`"),
            Err(name) => {
                missing.push(format!(
                    "{owner}.{}: the default function `{name}` is not a plain value",
                    f.name
                ));
                "?".into()
            }
        });
    }
    let (name, _) = parts(&f.ty);
    Some(match name.as_str() {
        "Vec" => "`[]`".into(),
        "Option" => "`None`".into(),
        "String" => "`\"\"`".into(),
        "bool" => "`false`".into(),
        "Span" => "`\"0m\"`".into(),
        "f64" | "u32" | "u64" => "`0`".into(),
        other => match types.get(other) {
            Some(t) => format!("as in [{}](#{})", t.written, t.written.to_lowercase()),
            None => {
                missing.push(format!(
                    "{owner}.{}: no default known for `{other}`",
                    f.name
                ));
                "?".into()
            }
        },
    })
}

/// The shortest example of `Name(...)` in the shipped scenarios (at most 14 lines).
fn example(written: &str, examples: &[(&str, String)]) -> Option<(String, String)> {
    let mut best: Option<(String, String)> = None;
    for (path, text) in examples {
        let needle = format!("{written}(");
        let mut from = 0;
        while let Some(k) = text[from..].find(&needle) {
            let at = from + k;
            from = at + needle.len();
            let before = text[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"') {
                continue;
            }
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            if text[line_start..at].trim_start().starts_with("//") {
                continue;
            }
            let mut depth = 0;
            let mut end = None;
            let mut in_str = false;
            for (i, c) in text[at..].char_indices() {
                match c {
                    '"' => in_str = !in_str,
                    '(' | '[' if !in_str => depth += 1,
                    ')' | ']' if !in_str => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(at + i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else { continue };
            let indent = at - line_start;
            let snippet: Vec<&str> = text[at..end].lines().collect();
            if snippet.len() > 14 {
                continue;
            }
            let body = snippet
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        *l
                    } else {
                        l.get(indent.min(l.len() - l.trim_start().len())..)
                            .unwrap_or(l)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            if best.as_ref().is_none_or(|(_, b)| body.len() < b.len())
                && body.len() > written.len() + 2
            {
                best = Some((path.to_string(), body));
            }
        }
        if best.is_some() {
            return best;
        }
    }
    best
}

/// The reference, or what the code lacks for one (undocumented fields first of all).
fn reference(
    sources: &[(&str, String)],
    examples: &[(&str, String)],
) -> Result<String, Vec<String>> {
    let types = declared(sources);
    let mut missing = Vec::new();
    // The types an author can write: everything reachable from `Scenario`, in the order met.
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["Scenario".to_string()]);
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(t) = types.get(&name) else { continue };
        order.push(name.clone());
        let mut named = Vec::new();
        match &t.shape {
            Shape::Struct(fields) => fields.iter().for_each(|f| named_types(&f.ty, &mut named)),
            Shape::Enum(variants) => {
                for v in variants {
                    v.fields.iter().for_each(|f| named_types(&f.ty, &mut named));
                }
            }
        }
        queue.extend(named.into_iter().filter(|n| types.contains_key(n)));
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Scenario file reference\n\n\
         Generated from the format's source (`src/scenario/format.rs`, `defaults.rs`, `msel.rs`, \
         `command.rs`) \
         by `tests/reference.rs`; do not edit by hand. After changing the format, \
         `TIDEWATCH_BLESS=1 cargo test --test reference` rewrites it, and the tests fail while it \
         is out of date or a field has no doc comment. `scenarios/tutorial.ron` explains the same \
         fields in the context of one small scenario; `tidewatch new NAME` writes a starting file.\n\n\
         ## How values are written\n\n\
         | In this reference | Written as | Example |\n|---|---|---|\n\
         | text | in double quotes | `\"Saint Lucia\"` |\n\
         | number | digits, a decimal point or an exponent | `0.6`, `2.4e9` |\n\
         | whole number | digits | `180000` |\n\
         | duration | text: days, hours, minutes (the clock has minute resolution), at most `366d` | `\"90m\"`, `\"2h30m\"`, `\"1d6h\"` |\n\
         | moment | text: day of the exercise and time on the scenario's clock (`D1` is the first day, up to `D366 23:59`), or an offset from the start | `\"D1 09:30\"`, `\"26h\"` |\n\
         | date and time | text: the scenario's local date and time of the first minute | `\"2026-03-02 08:00\"` |\n\
         | UTC offset | text: `UTC`, a sign, hours and optional minutes, from UTC-12 to UTC+14 | `\"UTC-4\"`, `\"UTC+13\"`, `\"UTC+5:45\"`, `\"UTC\"` |\n\
         | latitude, longitude | numbers in decimal degrees: latitude -90 to 90, longitude -180 to 180 (west negative: 175.2 W is `-175.2`) | `lat: -21.14, lon: -175.2` |\n\
         | list of X | square brackets, a trailing comma is fine | `[\"LC\", \"BB\"]` |\n\
         | `Some(`X`)` or `None` | an optional value | `Some(\"1h\")` |\n\
         | pair (X, Y) | two values in round brackets | `(\"LC\", \"BB\")` |\n\
         | a type below | its name, then its fields in round brackets; a choice is written bare | `Island(id: \"LC\", ...)`, `Government` |\n\n\
         A field marked *required* must be written; any other may be left out and takes the \
         default shown. Unknown fields are refused, with the nearest known name.\n"
    );
    let _ = writeln!(out, "## Types\n");
    for name in &order {
        let t = &types[name];
        let _ = writeln!(out, "- [{}](#{})", t.written, t.written.to_lowercase());
    }
    let _ = writeln!(out);
    for name in &order {
        let t = &types[name];
        if t.doc.is_empty() {
            missing.push(format!("{name}: the type has no doc comment"));
        }
        let _ = writeln!(out, "## {}\n", t.written);
        if !t.doc.is_empty() {
            let _ = writeln!(out, "{}\n", t.doc);
        }
        match &t.shape {
            Shape::Struct(fields) => {
                let _ = writeln!(
                    out,
                    "| Field | Type | Default | Meaning |\n|---|---|---|---|"
                );
                for f in fields {
                    if f.doc.is_empty() {
                        missing.push(format!("{name}.{}: the field has no doc comment", f.name));
                    }
                    let default =
                        default_text(name, f, t.all_default, &types, sources, &mut missing)
                            .unwrap_or_else(|| "*required*".into());
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | {} | {} |",
                        f.name,
                        written(&f.ty, &types),
                        default,
                        f.doc.replace('|', "\\|")
                    );
                }
            }
            Shape::Enum(variants) => {
                let _ = writeln!(out, "One of:\n\n| Written | Meaning |\n|---|---|");
                for v in variants {
                    if v.doc.is_empty() {
                        missing.push(format!(
                            "{name}::{}: the variant has no doc comment",
                            v.name
                        ));
                    }
                    let shape = match &v.fields {
                        Fields::Unit => format!("`{}`", v.name),
                        Fields::Unnamed(u) => format!(
                            "`{}(`{}`)`",
                            v.name,
                            u.unnamed
                                .iter()
                                .map(|f| written(&f.ty, &types))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Fields::Named(n) => format!(
                            "`{}(`{}`)`",
                            v.name,
                            n.named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident.as_ref().unwrap(),
                                    written(&f.ty, &types)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    let _ = writeln!(out, "| {shape} | {} |", v.doc.replace('|', "\\|"));
                }
            }
        }
        if name != "Scenario"
            && let Some((path, text)) = example(&t.written, examples)
        {
            let _ = writeln!(out, "\nFor example (from `{path}`):\n\n```ron\n{text}\n```");
        }
        let _ = writeln!(out);
    }
    techniques(&mut out);
    gazetteer(&mut out);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// Every technique of the shipped catalog with the parameters the model uses and where they
/// come from: what a `Stage(technique: ...)` may name.
fn techniques(out: &mut String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("assets/techniques.ron")).unwrap();
    let catalog: tidewatch::scenario::Catalog =
        tidewatch::scenario::parse_ron("assets/techniques.ron", &text).unwrap();
    let _ = writeln!(
        out,
        "## Technique catalog\n\n\
         The techniques a campaign's `Stage(technique: ...)` may name ({} in \
         `assets/techniques.ron`, MITRE ATT&CK ids and names). *success*: the chance one attempt \
         succeeds against an unpatched, untrained target; *patch*: how much the target's patch \
         level counts against it; *duration*: the stage's typical time for a skilled actor; \
         *attempts*: initial-access attempts, or spread attempts per compromised host, over the \
         stage; *detect*: the chance a fully covered host alerts on one use; *platforms*: where \
         it runs (any when blank); *in the logs*: the command line a later stage leaves on the \
         host the crew works it from (`trace: Some(Trace(program: ..., command: ...))`, `{{c2}}` \
         for the crew's domain; without one, a batch file named for the technique), which \
         `tidewatch evidence` writes. A scenario can shorten a stage with its own `duration`.\n\n\
         | id | name | tactic | effect | success | patch | duration | attempts | detect | platforms | in the logs | source |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|",
        catalog.techniques.len()
    );
    for t in &catalog.techniques {
        let platforms: Vec<String> = t.platforms.iter().map(|p| format!("{p:?}")).collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {:?} | {:?} | {} | {} | {} | {} | {} | {} | {} | {} |",
            t.id,
            t.name,
            t.tactic,
            t.effect,
            t.success,
            t.patch_sensitivity,
            t.duration,
            t.attempts,
            t.detectability,
            platforms.join(", "),
            (t.trace.as_ref()).map_or(String::new(), |x| format!(
                "`{}`",
                x.command.replace('|', "\\|")
            )),
            t.source.replace('|', "\\|")
        );
    }
}

/// The islands `tidewatch new --islands` knows, by region, and the cables it links them by.
fn gazetteer(out: &mut String) {
    use tidewatch::scenario::gazetteer::{Gazetteer, Region};
    let g = Gazetteer::shipped();
    let _ = writeln!(
        out,
        "## Islands `tidewatch new` knows\n\n\
         `tidewatch new NAME --islands ID,ID,...` writes a starting scenario for any of these {} \
         small island states and territories (the UN's small island developing states and the \
         Caribbean and Pacific associate members), by ISO 3166-1 code or name, with {} figures \
         from `assets/gazetteer.ron`, which names each figure's source. *CSIRT*: the national \
         team operating as of 2024, if any. The starter links the islands named by the {} cable \
         segments the gazetteer knows (a pair joined through landings not named, which a comment \
         lists); any other island is described with `--island \"ID,Name,lat,lon,population,\
         gdp_usd,UTC+13\"`.",
        g.places.len(),
        g.year,
        g.cables.len()
    );
    for (region, title) in [
        (Region::Caribbean, "Caribbean"),
        (Region::Pacific, "Pacific"),
        (
            Region::AtlanticIndianSouthChinaSea,
            "Atlantic, Indian Ocean and South China Sea",
        ),
    ] {
        let _ = writeln!(
            out,
            "\n### {title}\n\n\
             | id | name | lat | lon | people | GDP (US$) | clock | CSIRT | cables to |\n\
             |---|---|---|---|---|---|---|---|---|"
        );
        for p in g.places.iter().filter(|p| p.region == region) {
            let mut to: Vec<&str> = (g.cables.iter())
                .filter_map(|c| {
                    if c.between.0 == p.id {
                        Some(c.between.1.as_str())
                    } else if c.between.1 == p.id {
                        Some(c.between.0.as_str())
                    } else {
                        None
                    }
                })
                .collect();
            to.sort();
            to.dedup();
            let _ = writeln!(
                out,
                "| `{}` | {}{} | {} | {} | {} | {:.2e} | {} | {} | {} |",
                p.id,
                p.name,
                if p.mainland { " (mainland)" } else { "" },
                p.lat,
                p.lon,
                p.population,
                p.gdp_usd,
                p.utc_offset,
                p.csirt.as_deref().unwrap_or(""),
                to.join(", ")
            );
        }
    }
}

fn read_all(paths: &[&'static str]) -> Vec<(&'static str, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    paths
        .iter()
        .map(|p| (*p, std::fs::read_to_string(root.join(p)).unwrap()))
        .collect()
}

#[test]
fn the_reference_matches_the_code() {
    let generated = reference(&read_all(SOURCES), &read_all(EXAMPLES)).unwrap_or_else(|missing| {
        panic!(
            "the format's source lacks what its reference needs:\n  {}",
            missing.join("\n  ")
        )
    });
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(REFERENCE);
    if std::env::var_os("TIDEWATCH_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{REFERENCE} is out of date: run `TIDEWATCH_BLESS=1 cargo test --test reference` and \
         commit the result"
    );
}

/// The check itself: a field added without a doc comment is named, with its type.
#[test]
fn a_field_without_docs_fails_the_reference() {
    let source = r#"
        /// A scenario.
        pub struct Scenario {
            /// Its name.
            pub name: String,
            pub islands: Vec<Island>,
        }
        /// An island.
        pub enum Island {
            /// A big one.
            Big,
            Small,
        }
    "#;
    let missing = reference(&[("format.rs", source.to_string())], &[]).unwrap_err();
    assert_eq!(
        missing,
        [
            "Scenario.islands: the field has no doc comment",
            "Island::Small: the variant has no doc comment"
        ]
    );
}
