"""An ECMA-376 Transitional check of a .docx: every XML part against the published schemas,
plus the package rules (content types, relationship targets and ids)."""
import functools
import os
import pathlib
import posixpath
import re
import sys
import zipfile

from lxml import etree

# The ECMA-376 schemas are read in place from ../shared beside the checkout.
SHARED = pathlib.Path(os.environ.get("NOTES_EXPORT_SHARED") or pathlib.Path(__file__).resolve().parents[3] / "shared")
SCHEMAS = SHARED / "tools" / "ooxml" / "schemas"

ROOT_SCHEMA = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "wordprocessingml.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
}

CONTENT_ROOTS = {
    "document.main+xml": "document",
    "styles+xml": "styles",
    "numbering+xml": "numbering",
    "settings+xml": "settings",
    "footer+xml": "ftr",
    "header+xml": "hdr",
    "footnotes+xml": "footnotes",
    "fontTable+xml": "fonts",
    "theme+xml": "theme",
}


class LocalResolver(etree.Resolver):
    """Maps the schemas' remote imports (Dublin Core, xml.xsd) to the local copies."""

    def resolve(self, url, pubid, context):
        name = posixpath.basename(url)
        local = SCHEMAS / name
        if local.exists():
            return self.resolve_filename(str(local), context)
        return None


@functools.lru_cache(maxsize=None)
def schema(name):
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalResolver())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def schemas_found():
    """Whether the schema half of the check can run; reported as skipped where it cannot (the
    package rules below are checked either way)."""
    if SCHEMAS.exists():
        return True
    from conftest import skipped

    skipped("../shared/tools/ooxml/schemas not found: the ECMA-376 schema check", whole_test=False)
    return False


def check(path):
    """Returns a list of problems (empty when the package is valid)."""
    problems = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        parts = {}
        for name in sorted(names):
            if name.endswith(".xml") or name.endswith(".rels"):
                try:
                    parts[name] = etree.fromstring(z.read(name))
                except etree.XMLSyntaxError as e:
                    problems.append(f"{name}: not well-formed XML: {e}")
        for name, root in parts.items() if schemas_found() else ():
            ns = etree.QName(root).namespace
            xsd = ROOT_SCHEMA.get(ns)
            if xsd is None:
                problems.append(f"{name}: root element in unknown namespace {ns}")
                continue
            s = schema(xsd)
            if not s.validate(root):
                for err in list(s.error_log)[:5]:
                    problems.append(f"{name}:{err.line}: {err.message}")

        # Content types: every part has one, and overrides name real parts of the right kind.
        ct_root = parts.get("[Content_Types].xml")
        if ct_root is None:
            problems.append("[Content_Types].xml missing")
            return problems
        ctns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        defaults = {d.get("Extension").lower(): d.get("ContentType") for d in ct_root.iter(ctns + "Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in ct_root.iter(ctns + "Override")}
        for name in names:
            if name == "[Content_Types].xml" or name.endswith("/"):
                continue
            ext = name.rsplit(".", 1)[-1].lower()
            if "/" + name not in overrides and ext not in defaults:
                problems.append(f"{name}: no content type")
        for part, ct in overrides.items():
            if part.lstrip("/") not in names:
                problems.append(f"[Content_Types].xml: override for missing part {part}")
                continue
            for suffix, local in CONTENT_ROOTS.items():
                if ct.endswith(suffix) and etree.QName(parts[part.lstrip("/")]).localname != local:
                    problems.append(f"{part}: root is not <{local}> for {ct}")

        # Relationships: unique ids, internal targets exist, every r:id used is defined.
        relns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
        for rels_name, root in parts.items():
            if not rels_name.endswith(".rels"):
                continue
            base_dir = posixpath.dirname(posixpath.dirname(rels_name))
            source = posixpath.join(base_dir, posixpath.basename(rels_name)[: -len(".rels")])
            ids = [r.get("Id") for r in root.iter(relns + "Relationship")]
            if len(ids) != len(set(ids)):
                problems.append(f"{rels_name}: duplicate relationship ids")
            for r in root.iter(relns + "Relationship"):
                if r.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join(base_dir, r.get("Target"))).lstrip("/")
                if target not in names:
                    problems.append(f"{rels_name}: {r.get('Id')} targets missing part {target}")
            if source in parts:
                used = set()
                for el in parts[source].iter():
                    for k, v in el.attrib.items():
                        if k.startswith("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"):
                            used.add(v)
                for rid in sorted(used - set(ids)):
                    problems.append(f"{source}: uses undefined relationship {rid}")
        # Drawing ids must be unique within the document.
        doc = parts.get("word/document.xml")
        if doc is not None:
            wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
            ids = [d.get("id") for d in doc.iter(wp + "docPr")]
            if len(ids) != len(set(ids)):
                problems.append("word/document.xml: duplicate wp:docPr ids")
    return problems


if __name__ == "__main__":
    failed = False
    for f in sys.argv[1:]:
        found = check(f)
        print(f"{f}: {'OK' if not found else str(len(found)) + ' problems'}")
        for p in found:
            print("  " + p)
        failed |= bool(found)
    sys.exit(1 if failed else 0)
