//! The one place formats are type-erased: the pipeline and the CLI drive any exporter through
//! [`DynExporter`] and [`DynJob`], and each job keeps its pages' renderings in their own type.

use super::{Export, ExportError, Exporter, Finished, Format, Job, MemorySink, Options, Run, Sink};
use crate::ir::Graph;
use crate::pipeline::{Input, Needs};
use rayon::prelude::*;

/// [`Exporter`] for a format chosen at run time.
pub trait DynExporter: Sync {
    fn format(&self) -> &'static Format;
    /// The command and format name ("json", "md", "anki", "docx").
    fn name(&self) -> &'static str {
        self.format().name
    }
    fn start(&self, input: &Input, options: &Options) -> Result<Box<dyn DynJob>, ExportError>;

    /// The whole run over a graph read whole, files in memory.
    fn export(&self, graph: &Graph, options: &Options) -> Result<Export, ExportError> {
        let input = Input::whole(graph);
        let mut sink = MemorySink::default();
        let mut run = Run { job: self.start(&input, options)?, options, sink: &mut sink };
        let pages: Vec<u32> = (0..graph.pages.len() as u32).filter(|&p| options.includes(p)).collect();
        run.job.render(&input, &pages);
        run.job.take(&input, run.sink)?;
        let done = run.job.finish(&input, run.sink)?;
        Ok(Export { artifacts: sink.artifacts, diagnostics: done.diagnostics, summary: done.summary })
    }
}

/// [`Job`] for a format chosen at run time: it renders a window of pages and keeps the
/// renderings until the pipeline hands them over in page order.
pub trait DynJob: Send {
    fn needs(&self) -> Needs;
    /// Renders `pages` in parallel and keeps the results.
    fn render(&mut self, input: &Input, pages: &[u32]);
    /// Takes the kept renderings in page order.
    fn take(&mut self, input: &Input, out: &mut dyn Sink) -> Result<(), ExportError>;
    fn finish(self: Box<Self>, input: &Input, out: &mut dyn Sink) -> Result<Finished, ExportError>;
}

impl<E: Exporter> DynExporter for E {
    fn format(&self) -> &'static Format {
        &E::FORMAT
    }

    fn start(&self, input: &Input, options: &Options) -> Result<Box<dyn DynJob>, ExportError> {
        Ok(Box::new(Running { job: Exporter::start(self, input, options)?, rendered: Vec::new() }))
    }
}

/// A job and the renderings of the window it is in.
struct Running<J: Job> {
    job: J,
    rendered: Vec<(u32, Result<J::Page, ExportError>)>,
}

impl<J: Job> DynJob for Running<J> {
    fn needs(&self) -> Needs {
        self.job.needs()
    }

    fn render(&mut self, input: &Input, pages: &[u32]) {
        let job = &self.job;
        self.rendered = pages.par_iter().map(|&p| (p, job.page(input, p))).collect();
    }

    fn take(&mut self, input: &Input, out: &mut dyn Sink) -> Result<(), ExportError> {
        for (p, part) in std::mem::take(&mut self.rendered) {
            self.job.add(input, p, part?, out)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, input: &Input, out: &mut dyn Sink) -> Result<Finished, ExportError> {
        self.job.finish(input, out)
    }
}
