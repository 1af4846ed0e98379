"""Render the documentation's math as MathML when the HTML is built.

Browsers display MathML themselves, so the pages need no JavaScript, no web
font and no network (``sphinx.ext.mathjax`` loads MathJax from a CDN;
``sphinx.ext.imgmath`` needs LaTeX and dvipng, which a plain Python setup
lacks). The TeX is converted by docutils' own ``latex2mathml``, which knows
the LaTeX subset these pages use; a formula it cannot convert is a build
warning (an error under ``sphinx-build -W``) naming the formula.
"""

from docutils import nodes
from docutils.utils.math.latex2mathml import tex2mathml
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _mathml(translator, node, latex, block):
    try:
        return tex2mathml(latex, as_block=block)
    except Exception as exc:  # docutils raises SyntaxError and others
        logger.warning("cannot render math %r as MathML: %s", latex, exc, location=node)
        return f'<code class="math">{translator.encode(latex)}</code>'


def visit_math(translator, node):
    mathml = _mathml(translator, node, node.astext(), block=False)
    translator.body.append(f'<span class="math">{mathml}</span>')
    raise nodes.SkipNode


def visit_displaymath(translator, node):
    translator.body.append(translator.starttag(node, "div", CLASS="math"))
    if node.get("number"):
        translator.body.append(f'<span class="eqno">({node["number"]})</span>')
    for part in node.astext().split("\n\n"):
        if part.strip():
            translator.body.append(_mathml(translator, node, part, block=True))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
