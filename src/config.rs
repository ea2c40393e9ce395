//! `notes-export.toml`: which outputs `build` writes and how. Unknown keys and bad values are
//! errors that name the key and the file.

use crate::export::anki::CardMode;
use crate::export::docx::{HandoutGroup, Paper};
use crate::export::markdown::LinkStyle;
use crate::export::Options;
use crate::select::PageFilter;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "notes-export.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Format names (see `crate::export::names`).
    pub formats: Option<Vec<String>>,
    #[serde(default)]
    pub include: Include,
    #[serde(default)]
    pub anki: AnkiConfig,
    #[serde(default)]
    pub docx: DocxConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub json: JsonConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Include {
    #[serde(default)]
    pub pages: Vec<String>,
    #[serde(default)]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub public_only: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnkiConfig {
    pub deck: Option<String>,
    pub cards: Option<CardMode>,
    /// Logseq's review properties become the cards' schedules (default true).
    pub scheduling: Option<bool>,
    pub deck_per: Option<crate::export::anki::DeckPer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocxConfig {
    /// One document per page (the default for `build`), per namespace, or for all.
    pub handouts: Option<HandoutGroup>,
    pub worksheet: Option<bool>,
    /// What worksheets also blank (`bold`).
    pub blanks: Option<crate::export::docx::Blanks>,
    pub paper: Option<Paper>,
    pub title: Option<String>,
    pub show_tags: Option<bool>,
    pub link_addresses: Option<crate::export::docx::LinkAddresses>,
    /// The tallest an image is printed (`40%`, `8cm`).
    pub image_max_height: Option<crate::export::docx::MaxHeight>,
    /// A Word document whose styles, page and header and footer handouts take (a path
    /// relative to the settings file).
    pub reference_doc: Option<std::path::PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    pub links: Option<LinkStyle>,
    pub front_matter: Option<bool>,
    /// A `# Title` line at the top of each page (default true).
    pub title: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonConfig {
    pub pretty: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

impl Config {
    /// The config given, or `notes-export.toml` in the graph folder, or the defaults.
    pub fn find(explicit: Option<&Path>, graph: &Path) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => Some(graph.join(FILE_NAME)).filter(|p| p.is_file()),
        };
        match path {
            None => Ok((Config::default(), None)),
            Some(p) => {
                let err = |message: String| ConfigError { path: p.display().to_string(), message };
                let text = std::fs::read_to_string(&p).map_err(|e| err(e.to_string()))?;
                let config: Config = toml::from_str(&text).map_err(|e| err(one_line(&e.to_string())))?;
                config.validate().map_err(err)?;
                Ok((config, Some(p)))
            }
        }
    }

    fn validate(&self) -> Result<(), String> {
        let known = crate::export::names();
        for f in self.formats.iter().flatten() {
            if !known.contains(&f.as_str()) {
                return Err(format!("formats: unknown format '{f}' (expected one of {})", known.join(", ")));
            }
        }
        Ok(())
    }

    pub fn filter(&self) -> PageFilter {
        PageFilter {
            globs: self.include.pages.clone(),
            namespaces: self.include.namespaces.clone(),
            tags: self.include.tags.clone(),
            public_only: self.include.public_only,
        }
    }

    /// Settings for the exporters (defaults for `build`: one handout per page).
    pub fn apply(&self, o: &mut Options) {
        o.anki.deck = self.anki.deck.clone().or(o.anki.deck.take());
        o.cards = self.anki.cards.unwrap_or_default();
        o.anki.no_scheduling = !self.anki.scheduling.unwrap_or(true);
        o.anki.deck_per = self.anki.deck_per.unwrap_or_default();
        o.docx.group = self.docx.handouts.unwrap_or(HandoutGroup::Page);
        o.docx.worksheet = self.docx.worksheet.unwrap_or(false);
        o.docx.blanks = self.docx.blanks.unwrap_or_default();
        o.docx.paper = self.docx.paper.unwrap_or_default();
        o.docx.title = self.docx.title.clone();
        o.docx.show_tags = self.docx.show_tags.unwrap_or(false);
        o.docx.link_addresses = self.docx.link_addresses.unwrap_or_default();
        o.docx.image_max_height = self.docx.image_max_height.unwrap_or_default();
        o.markdown.links = self.markdown.links.unwrap_or_default();
        o.markdown.front_matter = self.markdown.front_matter.unwrap_or(false);
        o.markdown.no_title = !self.markdown.title.unwrap_or(true);
        o.json.pretty = self.json.pretty.unwrap_or(false);
    }
}

fn one_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('|')).collect::<Vec<_>>().join(" ")
}
