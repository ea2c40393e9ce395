//! Local images: resolved against the page's folder, confined to the input root, read once,
//! and measured from their headers.

use crate::diag::{Code, Diagnostic};
use crate::ir::{Asset, Block, Inline};
use crate::read::Source;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Larger files are not bundled into outputs.
const MAX_ASSET_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Clone)]
enum Lookup {
    /// The path, and the kind of image when it is one Word cannot show (SVG, WebP).
    Found(String, Option<&'static str>),
    /// A file that is not an image (a PDF, a recording): linked, not shown.
    File(String),
    /// A path that leaves the graph folder.
    Unsafe,
    Outside,
    Missing(String),
    Unusable(String, String),
}

/// Image lookups shared by every page: each file is read (and measured) once.
pub struct AssetCache {
    root: std::path::PathBuf,
    canonical_root: Option<std::path::PathBuf>,
    seen: Mutex<BTreeMap<String, Lookup>>,
    /// Assets found and not yet handed to the graph.
    found: Mutex<BTreeMap<String, Asset>>,
}

impl AssetCache {
    pub fn new(source: &Source) -> Self {
        AssetCache {
            root: source.root.clone(),
            canonical_root: std::fs::canonicalize(&source.root).ok(),
            seen: Mutex::new(BTreeMap::new()),
            found: Mutex::new(BTreeMap::new()),
        }
    }

    /// The assets found since the last call.
    pub fn take_found(&self) -> BTreeMap<String, Asset> {
        std::mem::take(&mut *self.found.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Links every image in `blocks` (of the page file `file`) to its asset, and every link to
    /// a file of the graph (`[notes](../assets/notes.pdf)`). An image that names a file which is
    /// not an image (a PDF, a recording) becomes a link to it.
    pub fn link<'b>(&self, file: &str, blocks: impl Iterator<Item = &'b mut Block>, diags: &mut Vec<Diagnostic>) {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        for block in blocks {
            let line = block.line;
            crate::ir::for_each_inline_mut(&mut block.body, &mut |inline| match inline {
                Inline::Image { url, asset, pos, alt, .. } if !is_remote(url) => {
                    let (url, pos) = (url.clone(), *pos);
                    let warn = |code, message: String| Diagnostic::warning(code, file, pos.line, pos.col, message);
                    match self.lookup(dir, &url) {
                        Lookup::Found(r, unsupported) => {
                            *asset = Some(r);
                            // Said by every command, as the notes hold it, not only by the one
                            // that writes Word.
                            if let Some(kind) = unsupported {
                                diags.push(warn(
                                    Code::UnsupportedImage,
                                    format!(
                                        "image '{url}' is {kind}, which Word cannot show: a handout has a placeholder"
                                    ),
                                ));
                            }
                        }
                        Lookup::File(r) => {
                            let name = r.rsplit('/').next().unwrap_or(&r).to_string();
                            let label = if alt.trim().is_empty() { name } else { std::mem::take(alt) };
                            *inline =
                                Inline::Link { url, children: vec![Inline::Text { text: label }], asset: Some(r) };
                        }
                        other => diags.extend(other.problem("image", &url).map(|(code, m)| warn(code, m))),
                    }
                }
                Inline::Link { url, asset, .. } if is_local_file(url) => {
                    let url = url.clone();
                    match self.lookup(dir, &url) {
                        Lookup::Found(r, _) | Lookup::File(r) => *asset = Some(r),
                        other => diags.extend(
                            other.problem("file", &url).map(|(code, m)| Diagnostic::warning(code, file, line, 1, m)),
                        ),
                    }
                }
                _ => {}
            });
        }
    }

    /// What the local path `url` (written in a page in `dir`) names, read once per file.
    fn lookup(&self, dir: &str, url: &str) -> Lookup {
        let root = &self.root;
        // Page-relative first; `assets/…` and `/assets/…` also name the graph's assets folder.
        let page_rel = local_path(dir, url);
        let root_rel = url
            .trim_start_matches('/')
            .starts_with("assets/")
            .then(|| local_path("", url.trim_start_matches('/')))
            .flatten();
        let rel = match (page_rel, root_rel) {
            (Some(p), Some(r)) if !root.join(&p).exists() => Some(r),
            (None, Some(r)) => Some(r),
            (p, _) => p,
        };
        let Some(rel) = rel else { return Lookup::Unsafe };
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let lookup = seen.entry(rel.clone()).or_insert_with(|| {
            let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
            read_asset(root, self.canonical_root.as_deref(), &rel, &mut found)
        });
        lookup.clone()
    }
}

impl Lookup {
    /// The warning for a file that cannot be used: (code, message), for an image or a file.
    fn problem(self, what: &str, url: &str) -> Option<(Code, String)> {
        match self {
            Lookup::Found(..) | Lookup::File(_) => None,
            Lookup::Unsafe => {
                Some((Code::UnsafeAssetPath, format!("{what} '{url}' is outside the graph folder; it is not read")))
            }
            Lookup::Outside => Some((
                Code::UnsafeAssetPath,
                format!("{what} '{url}' leads outside the graph folder through a link; it is not read"),
            )),
            Lookup::Missing(r) => Some((Code::MissingAsset, format!("{} '{r}' does not exist", file_of(what)))),
            Lookup::Unusable(r, why) => {
                Some((Code::BadAsset, format!("{} '{r}' {why}; it is not bundled", file_of(what))))
            }
        }
    }
}

/// "image file" for an image, "file" for any other.
fn file_of(what: &str) -> String {
    if what == "file" {
        what.to_string()
    } else {
        format!("{what} file")
    }
}

/// A link to a file of the graph rather than a page or a site: a relative path with an
/// extension (`../assets/notes.pdf`), not a page file or an anchor.
fn is_local_file(url: &str) -> bool {
    if is_remote(url) || url.starts_with('#') {
        return false;
    }
    let name = url.rsplit(['/', '\\']).next().unwrap_or(url);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    ext.is_some_and(|e| !e.is_empty() && !matches!(e.as_str(), "md" | "org" | "html" | "htm"))
}

fn is_remote(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s);
    scheme.is_some_and(|s| s.len() > 1 && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
}

/// The graph-relative path an image URL names from a page in `dir`, or None if it leaves the root.
pub fn local_path(dir: &str, url: &str) -> Option<String> {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let url = percent_encoding::percent_decode_str(url).decode_utf8_lossy();
    if url.starts_with('/') || url.starts_with('\\') || url.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in url.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

fn read_asset(root: &Path, canonical_root: Option<&Path>, rel: &str, assets: &mut BTreeMap<String, Asset>) -> Lookup {
    let path = root.join(rel);
    let Ok(meta) = std::fs::metadata(&path) else {
        return Lookup::Missing(rel.to_string());
    };
    if let (Some(croot), Ok(real)) = (canonical_root, std::fs::canonicalize(&path)) {
        if !real.starts_with(croot) {
            return Lookup::Outside;
        }
    }
    if !meta.is_file() {
        return Lookup::Unusable(rel.to_string(), "is not a file".into());
    }
    if meta.len() == 0 {
        return Lookup::Unusable(rel.to_string(), "is empty".into());
    }
    if meta.len() > MAX_ASSET_BYTES {
        return Lookup::Unusable(rel.to_string(), format!("is larger than {} MB", MAX_ASSET_BYTES / 1024 / 1024));
    }
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => return Lookup::Unusable(rel.to_string(), format!("cannot be read ({e})")),
    };
    let pixels = image_size(&data);
    if pixels.is_none() && !is_svg(&data) {
        // A file named as an image that is none is broken; any other file is linked.
        if crate::text::is_image_name(rel) {
            return Lookup::Unusable(rel.to_string(), "is not a PNG, JPEG, GIF, WebP or SVG image".into());
        }
        assets.insert(rel.to_string(), Asset { size: meta.len(), pixels: None, data: Arc::new(data) });
        return Lookup::File(rel.to_string());
    }
    let unsupported = if pixels.is_none() {
        Some("SVG")
    } else if data.starts_with(b"RIFF") {
        Some("WebP")
    } else {
        None
    };
    assets.insert(rel.to_string(), Asset { size: meta.len(), pixels, data: Arc::new(data) });
    Lookup::Found(rel.to_string(), unsupported)
}

fn is_svg(d: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&d[..d.len().min(512)]).to_ascii_lowercase();
    head.contains("<svg")
}

/// Width and height in pixels from a PNG, GIF, JPEG or WebP header (the `imagesize` crate,
/// built for those four formats alone, so anything else is no image here).
pub fn image_size(d: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(d).ok()?;
    Some((u32::try_from(size.width).ok()?, u32::try_from(size.height).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        assert_eq!(local_path("pages", "../assets/a.png").as_deref(), Some("assets/a.png"));
        assert_eq!(local_path("pages", "../assets/a%20b.png").as_deref(), Some("assets/a b.png"));
        assert_eq!(local_path("pages", "../../../../etc/passwd"), None);
        assert_eq!(local_path("pages", "/etc/passwd"), None);
        assert_eq!(local_path("", "assets/x.png?raw=1").as_deref(), Some("assets/x.png"));
        assert!(is_remote("https://x.org/a.png"));
        assert!(is_remote("data:image/png;base64,xx"));
        assert!(!is_remote("../assets/a.png"));
    }

    #[test]
    fn png_and_gif_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&427u32.to_be_bytes());
        png.extend_from_slice(&634u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((427, 634)));
        assert_eq!(image_size(b"GIF89a\x10\x00\x20\x00\x80\x00\x00"), Some((16, 32)));
        assert_eq!(image_size(b"not an image"), None);
        // A WebP (extended) header: width and height less one, 24 bits each.
        let mut webp = b"RIFF\x1e\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend_from_slice(&[199, 0, 0, 99, 0, 0]);
        webp.extend_from_slice(&[0; 8]);
        assert_eq!(image_size(&webp), Some((200, 100)));
        // The bundled example's chart, a JPEG.
        let jpeg =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed/assets/18819_1763418886073_0.jpeg"))
                .unwrap();
        assert_eq!(image_size(&jpeg), Some((427, 634)));
        // Formats the tool does not read are no image.
        assert_eq!(image_size(b"BM\x1e\0\0\0\0\0\0\0\x1a\0\0\0\x0c\0\0\0\x02\0\x03\0\x01\0\x18\0"), None);
    }
}
