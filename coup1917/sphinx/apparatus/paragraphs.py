"""The essay's paragraphs numbered ¶1 to ¶n across the chapters, each with an anchor (``#para-5``) and a "cite"
link, editorial. A page's markers are placed as it is read; their numbers are filled in once every page has been
read, in the table of contents' order, and every text page is written again when a page's count changes."""

from itertools import accumulate

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from coup1917.sphinx.apparatus import keep_per_page, per_page
from coup1917.sphinx.apparatus.editorial import EDITORIAL, is_text_page
from coup1917.sphinx.editions.typst_writer import label

ANCHOR = "para-{}"
CITE_TARGET = ("chapters/how-to-cite", "cite-a-paragraph")
#: The ¶ number's link to its own paragraph: a permalink, which no preview shows (previews.py).
PARAGRAPH_LINK = "paragraph-link"
#: Blocks of the author's words that are not paragraphs of the essay: its title lines and the closing navigation.
NOT_PARAGRAPHS = {"original-title", "original-navigation"}
_COUNTS = "edition_paragraph_counts"
_WRITTEN = "edition_paragraph_offsets_written"


class paragraph_number(nodes.inline):
    """The editors' number of the paragraph it starts; ``number`` is set once every page has been read."""


def number_paragraphs(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    if is_text_page(env.metadata[env.docname]):
        paragraphs = list(doctree.findall(_is_essay_paragraph))
        for index, paragraph in enumerate(paragraphs, start=1):
            paragraph.insert(0, paragraph_number("", "", classes=["paragraph-number", EDITORIAL],
                                                 docname=env.docname, index=index))
        per_page(env, _COUNTS)[env.docname] = len(paragraphs)


def _is_essay_paragraph(node: nodes.Node) -> bool:
    """A paragraph of the author's words, not in a table or a list (a block quotation is a paragraph of the essay)."""
    if not isinstance(node, nodes.paragraph):
        return False
    while node is not None and not isinstance(node, nodes.document):
        if {EDITORIAL, *NOT_PARAGRAPHS} & set(node["classes"]) or isinstance(node, (nodes.table, nodes.list_item)):
            return False
        node = node.parent
    return True


def reading_order(env: BuildEnvironment, root: str) -> list[str]:
    """The pages in the order of the table of contents, the root first."""
    order, stack = [], [root]
    while stack:
        docname = stack.pop()
        if docname not in order:
            order.append(docname)
            stack += reversed(env.toctree_includes.get(docname, []))
    return order


def offsets(env: BuildEnvironment, root: str) -> dict[str, int]:
    """For each text page, how many essay paragraphs come before it."""
    counts = per_page(env, _COUNTS)
    pages = [docname for docname in reading_order(env, root) if docname in counts]
    return dict(zip(pages, accumulate((counts[docname] for docname in pages), initial=0)))


def fill_in_numbers(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    page_offsets = offsets(app.env, app.config.root_doc)
    for marker in doctree.findall(paragraph_number):
        marker["number"] = page_offsets[marker["docname"]] + marker["index"]
        marker.parent["ids"].append(ANCHOR.format(marker["number"]))


def rewrite_when_numbers_move(app: Sphinx, env: BuildEnvironment) -> list[str]:
    current, previous = offsets(env, app.config.root_doc), getattr(env, _WRITTEN, None)
    setattr(env, _WRITTEN, current)
    return sorted(current) if previous is not None and previous != current else []


def visit_paragraph_number_html(self, node: paragraph_number) -> None:
    number = node["number"]
    cite_uri = self.builder.get_relative_uri(self.builder.current_docname, CITE_TARGET[0]) + "#" + CITE_TARGET[1]
    hint = (f"Cite this paragraph: the essay's author and title, ¶{number}, in {self.config.html_title} "
            "(How to cite gives the form)")
    self.body.append(self.starttag(node, "span", "") + f'<a class="{PARAGRAPH_LINK}" href="#{ANCHOR.format(number)}" '
                     f'title="Paragraph {number}: a link to this paragraph">¶{number}</a> <a class="paragraph-cite" '
                     f'href="{cite_uri}" title="{self.attval(hint)}">cite</a></span> ')
    raise nodes.SkipNode


def visit_paragraph_number_typst(self, node: paragraph_number) -> None:
    """Linked to How to cite; the paragraph's anchor is its id, which the writer labels where a link leads to it."""
    self.body.append(f"#paragraph-number({node['number']}, <{label(*CITE_TARGET)}>)")
    raise nodes.SkipNode


def visit_paragraph_number_text(self, node: paragraph_number) -> None:
    self.add_text(f"[¶{node['number']}] ")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_node(paragraph_number, html=(visit_paragraph_number_html, None),
                 typst=(visit_paragraph_number_typst, None), text=(visit_paragraph_number_text, None))
    # After the editorial marks (priority 600), which tell the author's paragraphs from the editors'.
    app.connect("doctree-read", number_paragraphs, priority=700)
    app.connect("doctree-resolved", fill_in_numbers)
    app.connect("env-updated", rewrite_when_numbers_move)
    keep_per_page(app, _COUNTS)
    app.add_css_file("paragraphs.css")  # in the package's static folder, which coup1917.sphinx adds to the site
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
