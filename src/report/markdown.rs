//! Markdown outputs safe to render. The report's and the handouts' `.md` files carry text from
//! the scenario, the journal and the seats (titles, bodies, notes, names); pandoc and static
//! site tools pass raw HTML and links through, so a `<script>` in an inject title or a
//! `[x](javascript:...)` in a trainee's note would run in whoever opens the rendered page.
//! The generators themselves write no HTML and no links, so the whole document is defanged.

/// The document with no raw HTML (`<` as `&lt;`), no links or images (brackets escaped) and no
/// script or data scheme left as such (`javascript&#58;`), everything else as written.
pub fn defanged(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + md.len() / 16);
    for c in md.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            _ => out.push(c),
        }
    }
    defang_schemes(&out)
}

/// `javascript:`, `vbscript:` and `data:` (when a value follows at once, as in
/// `data:text/html,...`) with their colon as an entity: read the same, never a scheme.
fn defang_schemes(text: &str) -> String {
    const SCHEMES: [&str; 3] = ["javascript:", "vbscript:", "data:"];
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let hit = SCHEMES.iter().find(|s| {
            lower[i..].starts_with(*s)
                && (i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric())
                && (**s != "data:"
                    || lower[i + s.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| !c.is_whitespace()))
        });
        match hit {
            Some(s) => {
                out.push_str(&text[i..i + s.len() - 1]);
                out.push_str("&#58;");
                i += s.len();
            }
            None => {
                let c = text[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_links_and_script_schemes_do_not_survive() {
        let md = "# <script>alert(1)</script>\n\n[x](javascript:alert(1)) ![i](data:text/html,<b>)\n\
                  <img src=x onerror=alert(1)> JavaScript:go [ref]: vbscript:msgbox\n\
                  Data: 3 hosts, réunion à 9h";
        let safe = defanged(md);
        let lower = safe.to_ascii_lowercase();
        for bad in [
            "<script",
            "<img",
            "javascript:",
            "vbscript:",
            "data:text",
            "<b>",
        ] {
            assert!(!lower.contains(bad), "{bad} in {safe}");
        }
        assert!(
            !safe.replace("\\]", "").contains("]("),
            "a link survived: {safe}"
        );
        assert!(safe.contains("onerror=alert(1)"), "text is kept as text");
        assert!(safe.contains("Data: 3 hosts, réunion à 9h"), "{safe}");
        assert!(safe.starts_with("# &lt;script>"), "{safe}");
    }
}
