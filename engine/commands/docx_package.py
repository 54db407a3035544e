"""A .docx as a package of parts, read safely for `jdlspec check` (issue 23 item 10).

The zip is read from memory, part by part, within one budget of inflated bytes shared by every part
(and by any .docx imported into it), so a part that inflates to 200 MB is refused before it is
inflated. XML is parsed by lxml with no DTD, no entity and no network: a part that declares a DOCTYPE
is refused whole. Transitional and Strict OOXML are both read: names are compared by a short prefix
("w:p") whatever namespace spells them. The styles part says which styles hide text (w:vanish).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from functools import cache

from engine.commands.documents import DocumentError, size_text

PREFIXES = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "w",
    "http://purl.oclc.org/ooxml/wordprocessingml/main": "w",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "r",
    "http://purl.oclc.org/ooxml/officeDocument/relationships": "r",
    "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "m",
    "http://purl.oclc.org/ooxml/officeDocument/math": "m",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing": "wp",
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing": "wp",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
    "http://purl.oclc.org/ooxml/drawingml/main": "a",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "c",
    "http://purl.oclc.org/ooxml/drawingml/chart": "c",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "dgm",
    "http://purl.oclc.org/ooxml/drawingml/diagram": "dgm",
    "urn:schemas-microsoft-com:vml": "v",
    "http://schemas.openxmlformats.org/package/2006/relationships": "pr",
    "http://schemas.openxmlformats.org/package/2006/content-types": "ct",
}
WORD_DOCUMENTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, or a password-protected .docx
MAX_NESTING = 4  # .docx imported into .docx


@cache
def name(tag: str) -> str:
    """'{namespace}local' as 'prefix:local' ('?:local' for a namespace no reader here knows)."""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return f"{PREFIXES.get(namespace, '?')}:{local}"


def attribute(element, prefix: str, local: str) -> str | None:
    """An attribute by prefix and local name, in whichever namespace spells that prefix."""
    for key, value in element.attrib.items():
        if name(key) == f"{prefix}:{local}":
            return value
    return None


class Budget:
    """Inflated bytes left to read, shared by a package and the packages imported into it."""

    def __init__(self, limit: int) -> None:
        self.limit = self.left = limit

    def take(self, size: int, part: str) -> None:
        if size > self.left:
            raise DocumentError(f"its parts inflate to more than {size_text(self.limit)} ({part} alone is "
                                f"{size:,} bytes), more than jdlspec check reads")
        self.left -= size


def parse_xml(data: bytes, part: str):
    """A part's XML root: refused when it declares a DTD (no entity is ever expanded or fetched)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        reason = str(error).split(" (line")[0].split(", line")[0]
        if "depth" in reason.lower():
            raise DocumentError(f"{part} nests its elements more than 256 deep, more than jdlspec check reads") \
                from None
        raise DocumentError(f"{part} is not well-formed XML ({reason})") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise DocumentError(f"{part} declares a DTD (<!DOCTYPE>), which jdlspec check does not read")
    return root


class Package:
    """The parts of one .docx (OPC package): bytes within the budget, XML, relationships, content types."""

    def __init__(self, data: bytes, budget: Budget, depth: int = 0) -> None:
        if not data:
            raise DocumentError("the file is empty")
        if data.startswith(OLE_SIGNATURE):
            raise DocumentError("a Word 97-2003 (.doc) or password-protected file, not a .docx: save it as .docx "
                                "without a password")
        if depth > MAX_NESTING:
            raise DocumentError(f"documents imported into each other more than {MAX_NESTING} deep")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError):
            raise DocumentError("not a .docx, or a damaged one: it is not a readable zip file") from None
        self.budget, self.depth = budget, depth
        self.names = {}
        for info in self.zip.infolist():
            self.names.setdefault(info.filename.lower().lstrip("/"), info)
        if "[content_types].xml" not in self.names:
            raise DocumentError("not a Word document: it has no [Content_Types].xml")
        types = self.xml("[Content_Types].xml")
        self.defaults = {(e.get("Extension") or "").lower(): (e.get("ContentType") or "").lower()
                         for e in types if name(e.tag) == "ct:Default"}
        self.overrides = {(e.get("PartName") or "").lower().lstrip("/"): (e.get("ContentType") or "").lower()
                          for e in types if name(e.tag) == "ct:Override"}
        self._relations: dict[str, list[tuple[str | None, str, str, bool]]] = {}

    def has(self, part: str) -> bool:
        return part.lower() in self.names

    def read(self, part: str) -> bytes:
        info = self.names.get(part.lower())
        if info is None:
            raise DocumentError(f"{part} is missing: the document is damaged")
        self.budget.take(info.file_size, part)
        try:
            with self.zip.open(info) as stream:
                return stream.read(info.file_size + 1)
        except RuntimeError:
            raise DocumentError(f"{part} is encrypted: save the document without a password") from None
        except NotImplementedError:
            raise DocumentError(f"{part} is compressed in a way jdlspec check cannot read") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
            raise DocumentError(f"damaged: {part} cannot be inflated ({error})") from None

    def xml(self, part: str):
        return parse_xml(self.read(part), part)

    def content_type(self, part: str) -> str:
        part = part.lower()
        return self.overrides.get(part) or self.defaults.get(posixpath.splitext(part)[1].lstrip("."), "")

    def relations(self, part: str) -> list[tuple[str | None, str, str, bool]]:
        """(id, type's last word, target part, external) for each relationship of a part ('' for the package)."""
        if part not in self._relations:
            folder, base = posixpath.split(part)
            rels = posixpath.join(folder, "_rels", f"{base}.rels")
            found = []
            if self.has(rels):
                for element in self.xml(rels):
                    if name(element.tag) != "pr:Relationship":
                        continue
                    kind = (element.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
                    target, external = element.get("Target") or "", element.get("TargetMode") == "External"
                    if not external:
                        target = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                                    else posixpath.join(folder, target)).lstrip("/")
                    found.append((element.get("Id"), kind, target, external))
            self._relations[part] = found
        return self._relations[part]

    def related(self, part: str, kind: str) -> list[str]:
        """The parts a part points to by one relationship type ('header', 'footnotes', 'officeDocument')."""
        return [target for _, k, target, external in self.relations(part) if k == kind and not external]

    def target(self, part: str, relation_id: str | None) -> tuple[str, str] | None:
        """(type's last word, target part) of a relationship id of a part; None for a link outside it."""
        for rid, kind, target, external in self.relations(part):
            if rid == relation_id:
                return None if external else (kind, target)
        return None

    def main_part(self) -> str:
        """The main document part: the package's officeDocument, which must be a Word document."""
        found = self.related("", "officeDocument") or [p for p, t in self.overrides.items() if t in WORD_DOCUMENTS]
        if not found:
            raise DocumentError("not a Word document: it has no main document part")
        kind = self.content_type(found[0])
        if kind not in WORD_DOCUMENTS:
            raise DocumentError(f"not a Word document: its main part is {kind or 'of no known type'}")
        return found[0]


def child(element, wanted: str):
    """The first child of a name (None for a missing element, so that lookups chain)."""
    return next((c for c in element if name(c.tag) == wanted), None) if element is not None else None


def on(element) -> bool:
    """A toggle's value: present and not switched off."""
    return element is not None and (attribute(element, "w", "val") or "true").lower() not in ("0", "false", "off")


def said_hidden(properties) -> bool | None:
    """What a w:rPr says of hiding (w:vanish, w:specVanish): None when it says nothing."""
    if on(child(properties, "w:specVanish")):
        return True
    vanish = child(properties, "w:vanish")
    return None if vanish is None else on(vanish)


class Styles:
    """Which styles hide their text. A style says it or inherits it (w:basedOn); the table's, paragraph's
    and character style's each toggle it (ECMA-376 §17.7.3); the document defaults decide when none says."""

    def __init__(self, root) -> None:
        self.styles: dict[str, tuple[str | None, bool | None]] = {}
        self.default_paragraph = None
        self.default = said_hidden(child(child(child(root, "w:docDefaults"), "w:rPrDefault"), "w:rPr")) or False
        for style in root if root is not None else ():
            if name(style.tag) != "w:style":
                continue
            identifier = attribute(style, "w", "styleId")
            based = child(style, "w:basedOn")
            self.styles[identifier] = (attribute(based, "w", "val") if based is not None else None,
                                       said_hidden(child(style, "w:rPr")))
            default = (attribute(style, "w", "default") or "").lower() in ("1", "true", "on")
            if attribute(style, "w", "type") == "paragraph" and default:
                self.default_paragraph = identifier

    def says(self, identifier: str | None) -> bool | None:
        seen = set()
        while identifier and identifier not in seen:
            seen.add(identifier)
            based, hidden = self.styles.get(identifier, (None, None))
            if hidden is not None:
                return hidden
            identifier = based
        return None

    def hidden(self, direct: bool | None, paragraph: str | None, character: str | None, table: str | None) -> bool:
        if direct is not None:
            return direct
        said = [s for s in (self.says(table), self.says(paragraph or self.default_paragraph), self.says(character))
                if s is not None]
        return sum(said) % 2 == 1 if said else self.default


def on_attribute(element, key: str) -> bool:
    """A plain (un-namespaced) boolean attribute, such as a picture's hidden="1"."""
    return element is not None and (element.get(key) or "false").lower() in ("1", "true", "on")
