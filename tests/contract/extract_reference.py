"""Extract the facts the contract tests compare against from the go~mus reference Markdown.

    python -m tests.contract.extract_reference [path-to-reference]

The reference (default `../shared/reference` beside the repository) is read and two data files
are written to `tests/contract/data/`, so the contract tests run in a clone without it:

- `curl_examples.json`: every curl example of the seeds, of every gomus-api-doc page and of the
  gomus-dev-notes pages: where it is, method, path, query parameters, the headers that matter,
  the request body (as a key structure) and which JSON examples belong to it.
- `json_examples.json`: every JSON example per page, reduced to its key structure: keys kept,
  strings "", numbers 0, booleans true, null kept, lists reduced to their first element.
- `endpoint_tables.json`: the rows of the endpoint tables ("Endpoints at a glance" of the
  seed page on events): method and path.

Only facts are kept (paths, parameters, key structures), never the reference's prose or values.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
DATA = Path(__file__).resolve().parent / "data"
CURL_FILE = "curl_examples.json"
JSON_FILE = "json_examples.json"
TABLE_FILE = "endpoint_tables.json"

# Headers a request's outcome depends on; the rest (Accept, ...) is left out.
KEPT_HEADERS = ("authorization", "content-type")

TABLE_ROW = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/api/\S+) \|")
CURL_START = re.compile(r"curl\s+(?=[\"'-]|https?://)")
FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
HEADING = re.compile(r"^#+\s+(.*?)\s*$")


@dataclass
class Page:
    source: str  # path relative to the reference directory
    lines: list[str]
    markdown: bool
    # Line ranges (0-based, end exclusive) that belong to a curl command: not JSON examples.
    taken: list[range] = field(default_factory=list)


def reduce(value: Any) -> Any:
    """The key structure of a JSON value: keys kept, values replaced by type placeholders."""
    if isinstance(value, dict):  # a "..." key marks an elision, not a field
        return {key: reduce(item) for key, item in value.items() if key != "..."}
    if isinstance(value, list):
        return [reduce(value[0])] if value else []
    if isinstance(value, bool) or value is None:
        return value if value is None else True
    if isinstance(value, int | float):
        return 0
    return ""


# --- JSON as the reference writes it: elisions, fragments, unquoted keys --------------------------


def _normalize(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() not in ("...", "...,")]
    text = "\n".join(lines).strip()
    text = re.sub(r"\{\s*\.\.\.\s*\}", "{}", text)
    text = re.sub(r"\[\s*\.\.\.\s*\]", "[]", text)
    text = re.sub(r",\s*\.\.\.\s*(?=[}\]])", "", text)
    # Unquoted keys (`equipment: [`), only at the start of a line or after { or ,
    text = re.sub(r"(^|[{,]\s*|\n\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', text)
    text = re.sub(r",(\s*[}\]])", r"\1", text).rstrip(",").strip()
    if text.startswith('"'):  # a fragment: `"content": {...}` is shown inside its object
        text = "{" + text + "}"
    return text


def parse_json(text: str) -> list[Any]:
    """Every JSON value of an example block (some blocks show two objects one after another)."""
    normalized = _normalize(text)
    decoder = json.JSONDecoder()
    values, position = [], 0
    while position < len(normalized):
        value, position = decoder.raw_decode(normalized, position)
        values.append(value)
        while position < len(normalized) and normalized[position] in " \t\r\n,":
            position += 1
    return values


# --- curl commands --------------------------------------------------------------------------------


def _command_lines(page: Page, start: int, column: int) -> tuple[str, int]:
    """The text of the curl command starting at lines[start][column:], and its end line."""
    first = page.lines[start][column:]
    inline = page.markdown and column > 0 and page.lines[start][column - 1] == "`"
    if inline:  # `curl ...` inside a sentence ends at the closing backtick
        return first.split("`", 1)[0], start + 1
    parts, end = [first], start + 1
    while end < len(page.lines):
        line = page.lines[end].strip()
        continued = parts[-1].rstrip().endswith("\\") or _open_quote(" ".join(parts))
        if not (continued or line.startswith("-")) or line.startswith("```"):
            break
        parts.append(page.lines[end])
        end += 1
    return "\n".join(parts), end


def _open_quote(text: str) -> bool:
    try:
        shlex.split(text.replace("\\\n", " "))
    except ValueError:
        return True
    return False


def _split(command: str) -> list[str]:
    command = command.replace("\\\n", " ").strip().rstrip("`")
    try:
        return shlex.split(command)
    except ValueError:
        # go~mus locale.md closes its URL with a backtick instead of the quote.
        return shlex.split(command.replace("`", "") + '"')


def parse_curl(command: str) -> dict[str, Any]:
    words = _split(command)[1:]
    method, url, headers, data = None, None, {}, None
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("-X") and len(word) > 2:
            method = word[2:]
        elif word in ("-X", "--request"):
            index += 1
            method = words[index]
        elif word in ("-H", "--header"):
            index += 1
            name, _, value = words[index].partition(":")
            if name.strip().lower() in KEPT_HEADERS:
                headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            index += 1
            data = words[index]
        elif not word.startswith("-"):
            url = word
        index += 1
    assert url is not None, command
    parts = urlsplit(url)
    example: dict[str, Any] = {
        "method": method or ("POST" if data is not None else "GET"),
        "path": parts.path if parts.scheme else url,
        "query": [list(pair) for pair in parse_qsl(parts.query, keep_blank_values=True)],
        "headers": headers,
        "body": None,
        "body_file": None,
    }
    if data is not None and data.startswith("@"):
        example["body_file"] = data[1:]
    elif data is not None and data.lstrip().startswith("{"):
        example["body"] = reduce(parse_json(data)[0])
    elif data is not None:  # form encoded: `scan[people_count]=3`
        example["body"] = {name: "" for name, _ in parse_qsl(data)}
    return example


# --- pages ----------------------------------------------------------------------------------------


def _curls(page: Page) -> list[dict[str, Any]]:
    found = []
    for number, line in enumerate(page.lines):
        if any(number in taken for taken in page.taken):
            continue
        match = CURL_START.search(line)
        if match is None:
            continue
        command, end = _command_lines(page, number, match.start())
        page.taken.append(range(number, end))
        found.append(
            {
                "source": page.source,
                "line": number + 1,
                "section": _section(page, number),
                **parse_curl(command),
            }
        )
    return found


def _markdown_blocks(page: Page) -> list[tuple[int, str, str]]:
    """(line number, language, text) of every fenced block."""
    blocks: list[tuple[int, str, str]] = []
    open_at: int | None = None
    language, body = "", list[str]()
    for number, line in enumerate(page.lines):
        fence = FENCE.match(line)
        if fence and open_at is None:
            open_at, language, body = number, fence.group(2), []
        elif fence and open_at is not None:
            blocks.append((open_at, language, "\n".join(body)))
            open_at = None
        elif open_at is not None:
            body.append(line)
    return blocks


def _plain_blocks(page: Page) -> list[tuple[int, str, str]]:
    """JSON objects in plain text (the seeds): a line that is just "{" up to its match."""
    blocks = []
    for number, line in enumerate(page.lines):
        if line.strip() != "{" or any(number in taken for taken in page.taken):
            continue
        text = "\n".join(page.lines[number:])
        _, end = json.JSONDecoder().raw_decode(text)
        blocks.append((number, "json", text[:end]))
    return blocks


def _section(page: Page, number: int) -> str | None:
    for line in reversed(page.lines[:number]):
        heading = HEADING.match(line)
        if heading and page.markdown:
            return heading.group(1)
    return None


def _role(page: Page, number: int) -> str:
    """request (a body the command sends), response (what it returns), or item (a part)."""
    for line in reversed(page.lines[max(0, number - 4) : number]):
        caption = line.lower()
        if re.search(r"\w\.json\b", caption):  # "assumes the order.json JSON is ..."
            return "request"
        if "return" in caption or "assumes the json" in caption:
            return "response"
        if caption.strip():
            return "item"
    return "item"


def _json_examples(page: Page) -> list[dict[str, Any]]:
    blocks = _markdown_blocks(page) if page.markdown else _plain_blocks(page)
    examples: list[dict[str, Any]] = []
    for number, language, text in blocks:
        if language != "json":
            continue
        values = [reduce(value) for value in parse_json(text)]
        example: dict[str, Any] = {
            "index": len(examples),
            "line": number + 1,
            "section": _section(page, number),
            "role": _role(page, number),
            "shape": values[0] if len(values) == 1 else values,
        }
        if len(values) > 1:
            example["several"] = True
        examples.append(example)
    return examples


def _link(curls: list[dict[str, Any]], examples: list[dict[str, Any]]) -> None:
    """Attach to each curl example the JSON examples between it and the next curl example."""
    for position, curl in enumerate(curls):
        following = curls[position + 1]["line"] if position + 1 < len(curls) else 10**9
        for example in examples:
            if curl["line"] < example["line"] < following:
                if example["section"] != curl["section"]:
                    break
                if example["role"] in ("request", "response"):
                    curl.setdefault(example["role"], example["index"])
                else:  # an uncaptioned answer ("The response will contain the ... object")
                    curl.setdefault("item", example["index"])
        item = curl.pop("item", None)
        curl.setdefault("request", None)
        curl.setdefault("response", item)


def _table_rows(page: Page) -> list[dict[str, Any]]:
    """The rows of an endpoint table ("GET /api/v4/events/:id | Event detail | ...")."""
    rows = []
    for number, line in enumerate(page.lines):
        row = TABLE_ROW.match(line)
        if row:
            rows.append(
                {"source": page.source, "line": number + 1, "method": row[1], "path": row[2]}
            )
    return rows


def _example_id(curl: dict[str, Any]) -> str:
    query = "&".join(f"{name}={value}" for name, value in curl["query"])
    return f"{curl['source']} {curl['method']} {curl['path']}" + (f"?{query}" if query else "")


def _pages(reference: Path) -> list[Page]:
    pages = []
    for path in sorted((reference / "seeds").glob("*.txt")):
        pages.append(Page(f"seeds/{path.name}", path.read_text("utf-8").splitlines(), False))
    for path in sorted((reference / "gomus-api-doc").glob("*.md")):
        pages.append(Page(f"gomus-api-doc/{path.name}", path.read_text("utf-8").splitlines(), True))
    for path in sorted((reference / "gomus-dev-notes").glob("*.md")):
        text = path.read_text("utf-8")
        if CURL_START.search(text):  # only the notes that show curl examples
            pages.append(Page(f"gomus-dev-notes/{path.name}", text.splitlines(), True))
    return pages


def extract(reference: Path) -> dict[str, Any]:
    """The contents of both data files, by file name."""
    curls: list[dict[str, Any]] = []
    examples: dict[str, list[dict[str, Any]]] = {}
    rows: list[dict[str, Any]] = []
    for page in _pages(reference):
        rows += _table_rows(page)
        found = _curls(page)
        page_examples = _json_examples(page)
        _link(found, page_examples)
        curls += found
        if page_examples:
            examples[page.source] = page_examples
    seen: dict[str, int] = {}
    for curl in curls:
        base = _example_id(curl)
        seen[base] = seen.get(base, 0) + 1
        curl["id"] = base if seen[base] == 1 else f"{base} #{seen[base]}"
    ordered = [{"id": curl.pop("id"), **curl} for curl in curls]
    return {CURL_FILE: ordered, JSON_FILE: examples, TABLE_FILE: rows}


def render(content: Any) -> str:
    return json.dumps(content, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    reference = Path(argv[0]) if argv else DEFAULT_REFERENCE
    if not (reference / "gomus-api-doc").is_dir():
        print(f"no reference at {reference}", file=sys.stderr)  # noqa: T201 - a command line tool
        return 2
    DATA.mkdir(exist_ok=True)
    for name, content in extract(reference).items():
        (DATA / name).write_text(render(content), encoding="utf-8")
        print(f"wrote {DATA / name}")  # noqa: T201 - a command line tool
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
