"""Options declared once: a field with its help, default and limits, read by every edge.

Each layer owns the options it uses, as a pydantic model (`Options`) whose fields are made with
`option(...)`: the optimiser's in `optimise.options`, where and how many futures run in
`sim.options`, what a report looks like in `outputs.options`; `jobs.options` composes them per
command (a field whose type is another `Options` model is a group of options). From the same
fields:

* the command line (`cli.py` builds one click option per field: flag, help, default shown, metavar);
* the Python API (`jobs.api`: keyword arguments checked by the same model, named as keywords);
* the checks and their wording: a bad value is an `InputError` whose problems name the option the
  way its edge spells it -- ``--max-futures`` on the command line, ``max_futures`` in Python -- in
  the user's language (`common.catalogue`, keys ``option.*``).

Adding an option is one change: a field with `option(...)` on the model of the layer that uses
it. Every command composing that model then has it, on the command line and in Python.

A model's checks raise `OptionProblem` (a catalogue key, the values for its placeholders, and the
fields it speaks of); the edge turns it into words. Nothing below the edge writes a flag.
"""

from __future__ import annotations

import os
import re
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, Union, cast, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from sporen.common.errors import InputError, Problem

if TYPE_CHECKING:
    from sporen.common.i18n import Lang

Edge = Literal["cli", "api"]
"""Who reads the names in a problem: ``cli`` (``--max-futures``) or ``api`` (``max_futures``)."""
LANG_VARIABLE = "SPOREN_LANG"
"""Environment variable with the language of messages when a command is not given --lang."""


def message_lang(lang: str | None = None) -> Lang:
    """The language sporen speaks in: `lang` when given, else $SPOREN_LANG, else Dutch."""
    for choice in (lang, os.environ.get(LANG_VARIABLE)):
        value = str(choice or "").strip().lower()
        if value == "nl":
            return "nl"
        if value == "en":
            return "en"
    return "nl"


class OptionProblem(InputError, ValueError):
    """A bad option: the catalogue's sentence `key` (and the `allowed` one) with `values`.

    `field` names the option the problem is about when it is not the one being checked (a model's
    cross-field check, or a check against the scenario); `refs` maps placeholders to option names
    the sentence mentions, so the edge can spell them (``{scheduler}`` -> ``--scheduler`` or
    ``scheduler``); `owner` is the model whose field it is. Until an edge names it, it reads as an
    InputError in English with the fields' Python names (what the web page shows).
    """

    def __init__(self, key: str, allowed: str | None = None, *, field: str | None = None,
                 refs: Mapping[str, str] | None = None, owner: type[Options] | None = None, **values: Any):
        self.key, self.allowed_key, self.field, self.owner = key, allowed, field, owner
        self.refs, self.values = dict(refs or {}), values
        message, allowed_text = self.words("en")
        InputError.__init__(self, [Problem(field or "options", "", message, allowed_text)])

    def words(self, lang: str, name: Callable[[str], str] = str) -> tuple[str, str]:
        """(message, what is allowed) in `lang`, with option names spelled by `name`."""
        values = {**self.values, **{k: name(v) for k, v in self.refs.items()}}
        message = text(self.key, lang, **values)
        return message, (text(self.allowed_key, lang, **values) if self.allowed_key else "")

    @property
    def message(self) -> str:
        return self.words("en")[0]

    @property
    def allowed(self) -> str:
        return self.words("en")[1]


def option(default: Any = ..., *, help: str, flag: str | None = None, short: str | None = None,
           metavar: str | None = None, show_default: bool | str = True, cli: bool = True,
           negate: bool = False, envvar: str | None = None, prefix: str = "",
           fields: tuple[str, ...] | None = None, default_factory: Callable[[], Any] | None = None,
           internal: bool = False, **limits: Any) -> Any:
    """A field of an options model with what every edge needs to know of it.

    `help` is the one description (the command line's --help, the API's docstring); `flag` the
    command-line spelling when it is not ``--`` + the name with dashes; `short` e.g. ``-n``;
    `show_default` False, or a text shown instead of the default; `cli=False` keeps an option
    out of the command line (Python only); `internal=True` marks a value the program sets (no
    option of any edge; inside a group not offered at all); `negate` makes a yes/no field a flag
    that sets it to False (``--static`` for ``dynamic``); `envvar` also reads it from the
    environment. For a group (a field whose type is an `Options` model): `prefix` for its flags
    and `fields`, the only ones the command line offers. `limits` are pydantic's (ge, le, gt, lt,
    min_length, ...).
    """
    extra = {"flag": flag, "short": short, "metavar": metavar, "show_default": show_default, "cli": cli,
             "negate": negate, "envvar": envvar, "prefix": prefix, "fields": fields, "internal": internal}
    extra = {k: v for k, v in extra.items() if v not in (None, "", False) or k in ("cli", "show_default")}
    if default_factory is not None:
        return Field(default_factory=default_factory, description=help, json_schema_extra=cast(Any, extra), **limits)
    return Field(default, description=help, json_schema_extra=cast(Any, extra), **limits)


def group(factory: Callable[[], Options], *, prefix: str = "", fields: tuple[str, ...] | None = None) -> Any:
    """A field holding a group of options (another model) with this command's defaults (`factory`);
    on the command line its options get `prefix` and only `fields` are offered (default: all)."""
    return option(default_factory=factory, help="", prefix=prefix, fields=fields)


def meta(field: FieldInfo) -> dict[str, Any]:
    """The command-line facts `option(...)` stored on a field."""
    extra = field.json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def numbers_only(tp: Any) -> bool:
    """The annotation holds numbers only (int or float, maybe None, in tuples and lists)."""
    origin = get_origin(tp)
    if origin is Annotated:
        return numbers_only(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return all(numbers_only(a) for a in get_args(tp) if a is not type(None))
    if origin in (list, tuple):
        return all(numbers_only(a) for a in get_args(tp) if a is not Ellipsis)
    return tp in (int, float)


def group_of(tp: Any) -> type[Options] | None:
    """The options model a field's annotation is (a group of options), or None."""
    return tp if isinstance(tp, type) and issubclass(tp, Options) else None


_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


@dataclass(frozen=True)
class Flat:
    """One option as a user names it, wherever it sits in the composed model."""

    name: str                     # the keyword in Python (prefix included), e.g. optimise_replications
    path: tuple[str, ...]         # where it sits: ("optimiser", "replications")
    field: FieldInfo
    default: Any                  # the command's default (a group's default may override the model's)
    owner: type[Options]          # the model declaring it
    prefix: str = ""

    @property
    def flag(self) -> str:
        own = meta(self.field).get("flag") or "--" + self.path[-1].replace("_", "-")
        return "--" + self.prefix.replace("_", "-") + own[2:] if self.prefix else own

    @property
    def cli(self) -> bool:
        """An option of the command line (else Python only, or set by the program)."""
        return bool(meta(self.field).get("cli", True)) and not self.internal

    @property
    def internal(self) -> bool:
        """Set by the program, not by a user (e.g. the progress flag a command derives from --quiet)."""
        return bool(meta(self.field).get("internal", False))

    @property
    def help(self) -> str:
        return self.field.description or ""


class Options(BaseModel):
    """Base of every options model: unknown names refused, values checked on assignment too, no
    yes/no for a number, no NaN or infinity; problems named by the edge that reads them."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, arbitrary_types_allowed=True,
                              allow_inf_nan=False, defer_build=True)   # validators built on first use: a fast --help
    arguments: ClassVar[tuple[str, ...]] = ()
    """Fields given as positional arguments (not options) on the command line."""

    @field_validator("*", mode="before")
    @classmethod
    def _plain_values(cls, value: Any, info: ValidationInfo) -> Any:
        """A number is never yes/no (Python's True is 1); '0,95' as typed by a Dutch planner is 0.95."""
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return value
        if numbers_only(field.annotation):
            if isinstance(value, bool):
                raise OptionProblem("option.not_a_number", "option.allowed.number", value=shown(value))
            if isinstance(value, str) and _DECIMAL_COMMA.match(value):
                return value.replace(",", ".")
        return value

    # -- the options as a user names them ---------------------------------------------------------
    @classmethod
    def flat(cls) -> dict[str, Flat]:
        """Every option by its flat name (groups opened), in declaration order."""
        found: dict[str, Flat] = {}
        for flat in _walk(cls, (), "", None, None):
            if flat.name in found:
                raise TypeError(f"{cls.__name__}: two options named {flat.name!r}")
            found[flat.name] = flat
        return found

    @classmethod
    def parse(cls, **values: Any) -> Self:
        """The options from keywords, as the Python API takes them (InputError naming the keywords,
        in the language of a `lang` option when one is given, else $SPOREN_LANG, else Dutch)."""
        return cls.read(values)

    @classmethod
    def read(cls, values: Mapping[str, Any], *, edge: Edge = "api", lang: str | None = None) -> Self:
        """Build and check the options from flat names (as the command line and the API give them);
        an InputError with one problem per bad option, named for the `edge`, in `lang`."""
        given_lang = values.get("lang")
        lang = message_lang(lang or (given_lang if isinstance(given_lang, str) else None))
        flats = cls.flat()
        groups = {name for name, field in cls.model_fields.items() if group_of(field.annotation) is not None}
        unknown = [name for name in values if name not in flats and name not in groups]
        if unknown:
            offered = ", ".join(flat.flag if edge == "cli" else name for name, flat in flats.items()
                                if not flat.internal and (flat.cli or edge == "api") and name not in cls.arguments)
            raise InputError([Problem(name, "", text("option.unknown", lang), text("option.allowed.options", lang,
                                                                                    names=offered))
                              for name in unknown])
        try:
            return cls.model_validate(_nest(cls, flats, values))
        except ValidationError as exc:
            raise InputError(problems(exc, flats, edge, lang)) from None
        except OptionProblem as exc:
            raise InputError([problem_of(exc, flats, (), edge, lang)]) from None

    @classmethod
    def problem(cls, exc: OptionProblem, *, edge: Edge = "api", lang: str | None = None) -> Problem:
        """An OptionProblem raised after the options were checked (e.g. by the optimiser, against the
        scenario) as a problem named for the edge: its field is found in this command's options."""
        flats = cls.flat()
        where: tuple[str, ...] = ()
        if exc.field is not None:
            matches = [f.path for f in flats.values() if f.path[-1] == exc.field
                       and (exc.owner is None or f.owner is exc.owner)]
            if matches:
                where = matches[0]
        return problem_of(exc, flats, where, edge, message_lang(lang))

    def given(self) -> dict[str, Any]:
        """The options set explicitly (flat names), for a canonical command line."""
        out: dict[str, Any] = {}
        for name, flat in self.flat().items():
            owner: Any = self
            for part in flat.path[:-1]:
                owner = getattr(owner, part)
            if flat.path[-1] in owner.model_fields_set:
                out[name] = getattr(owner, flat.path[-1])
        return out


def _walk(model: type[Options], path: tuple[str, ...], prefix: str, instance: Any,
          only: tuple[str, ...] | None) -> Iterator[Flat]:
    for name, field in model.model_fields.items():
        if only is not None and name not in only:
            continue
        if path and meta(field).get("internal"):
            continue
        default = getattr(instance, name) if instance is not None else field.get_default(call_default_factory=True)
        group = group_of(field.annotation)
        if group is not None:
            info = meta(field)
            yield from _walk(group, (*path, name), prefix + info.get("prefix", ""), default, info.get("fields"))
        else:
            yield Flat(prefix + name, (*path, name), field, default, model, prefix)


def _nest(model: type[Options], flats: Mapping[str, Flat], values: Mapping[str, Any]) -> dict[str, Any]:
    """Flat values into the model's shape; a group keeps the command's defaults for what is not given."""
    nested: dict[str, Any] = {}
    for name, value in values.items():
        if name not in flats:   # a whole group given as a mapping or a model (`parallel={"workers": 2}`)
            default = model.model_fields[name].get_default(call_default_factory=True)
            given = value.model_dump(exclude_unset=True) if isinstance(value, BaseModel) else dict(value)
            nested[name] = {**{k: getattr(default, k) for k in default.model_fields_set}, **nested.get(name, {}),
                            **given}
            continue
        path = flats[name].path
        node = nested
        owner: type[Options] = model
        for part in path[:-1]:
            field = owner.model_fields[part]
            if part not in node:
                default = field.get_default(call_default_factory=True)
                node[part] = {k: getattr(default, k) for k in default.model_fields_set} if default is not None else {}
            node = node[part]
            owner = group_of(field.annotation) or owner
        node[path[-1]] = value
    return nested


# -- the Python API's keywords ------------------------------------------------------------------------
def keywords_of(model: type[Options]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give an API function that takes ``**options`` (checked by `model`) the options as keyword
    parameters in its signature (what help() and an editor show) and a line each in its docstring:
    generated from the model, so the API cannot drift from the command line."""
    import inspect

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(function)
        own = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        flats = [f for f in model.flat().values() if not f.internal and f.name not in model.arguments]
        added = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                   default=inspect.Parameter.empty if f.field.is_required() else f.default)
                 for f in flats if f.name not in signature.parameters]
        function.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
        lines = [f"    {f.name}={'...' if f.field.is_required() else repr(f.default)}: {f.help}" for f in flats]
        heading = "\n\n    Options (as the command's, checked alike):\n"
        function.__doc__ = (function.__doc__ or "").rstrip() + heading + "\n".join(lines) + "\n"
        return function
    return decorate


# -- problems in words ----------------------------------------------------------------------------------
def shown(value: Any) -> str:
    """A value as the problem repeats it: numbers as typed, text in quotes."""
    if isinstance(value, str):
        try:
            float(value.strip())
            return value.strip()
        except ValueError:
            return repr(value)
    if isinstance(value, (BaseModel, dict, list, tuple)):
        return str(value)
    return repr(value) if not isinstance(value, float) else f"{value:g}"


def display_name(flats: Mapping[str, Flat], path: tuple[str, ...], edge: Edge) -> str:
    """The option at `path` (or the closest group holding it) as the edge spells it."""
    by_path = {flat.path: flat for flat in flats.values()}
    for end in range(len(path), 0, -1):
        flat = by_path.get(tuple(path[:end]))
        if flat is not None:
            return flat.flag if edge == "cli" else flat.name
    return path[-1] if path else "options"


def problem_of(exc: OptionProblem, flats: Mapping[str, Flat], where: tuple[str, ...], edge: Edge,
               lang: str) -> Problem:
    """An OptionProblem raised at `where` (an option, or a group's path for a check across its
    options) as a Problem named for the edge."""
    leaves = {flat.path for flat in flats.values()}
    group = where[:-1] if where in leaves else where
    about = where if where in leaves else ((*group, exc.field) if exc.field is not None else where)

    def name(field: str) -> str:
        return display_name(flats, (*group, field), edge)

    message, allowed = exc.words(lang, name)
    return Problem(display_name(flats, about, edge), "", message, allowed)


def choices(items: list[str], lang: str) -> str:
    """'csv or parquet' / 'csv of parquet'."""
    if len(items) < 2:
        return "".join(items)
    return text("option.or", lang, first=", ".join(items[:-1]), last=items[-1])


_BOUNDS = {"greater_than_equal": ("ge", "option.too_small", "option.allowed.at_least"),
           "greater_than": ("gt", "option.too_small", "option.allowed.more_than"),
           "less_than_equal": ("le", "option.too_large", "option.allowed.at_most"),
           "less_than": ("lt", "option.too_large", "option.allowed.less_than")}


def problems(exc: ValidationError, flats: Mapping[str, Flat], edge: Edge, lang: str) -> list[Problem]:
    """One problem per error pydantic found, in words from the catalogue."""
    out = []
    for error in exc.errors():
        where = tuple(str(part) for part in error.get("loc", ()) if isinstance(part, str))
        kind = str(error.get("type", ""))
        ctx = error.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, OptionProblem):
            out.append(problem_of(cause, flats, where, edge, lang))
            continue
        out.append(Problem(display_name(flats, where, edge), "", *_words(error, kind, ctx, lang)))
    return out


def _words(error: ErrorDetails, kind: str, ctx: dict[str, Any], lang: str) -> tuple[str, str]:
    value = shown(error.get("input"))
    if kind in _BOUNDS:
        key, message, allowed = _BOUNDS[kind]
        limit = next(iter(ctx.values()), None)
        limit_text = number(limit, lang) if isinstance(limit, int) and not isinstance(limit, bool) else (
            f"{limit:g}".replace(".", "," if lang == "nl" else ".") if isinstance(limit, float) else str(limit))
        return text(message, lang, value=value), text(allowed, lang, limit=limit_text)
    if kind in ("too_short", "too_long"):
        return text("option.count", lang, value=value), text("option.allowed.count", lang,
                                                             low=ctx.get("min_length", 0),
                                                             high=ctx.get("max_length", "-"))
    if kind.startswith("int") or kind == "int_from_float":
        return text("option.not_whole", lang, value=value), text("option.allowed.whole", lang)
    if kind.startswith("float") or kind in ("finite_number",):
        return text("option.not_a_number", lang, value=value), text("option.allowed.number", lang)
    if kind.startswith("bool"):
        return text("option.not_yes_no", lang, value=value), text("option.allowed.yes_no", lang)
    if kind == "literal_error":
        expected = re.split(r", | or ", str(ctx.get("expected", "")).replace("'", ""))
        return text("option.not_allowed", lang, value=value), choices(expected, lang)
    if kind == "missing":
        return text("option.missing", lang), ""
    if kind == "extra_forbidden":
        return text("option.unknown", lang), ""
    return text("option.not_allowed", lang, value=value), str(error.get("msg", ""))


def text(key: str, lang: str, /, **values: Any) -> str:
    """The catalogue's sentence (`common.i18n.text`; Babel is loaded only when a problem is worded)."""
    from sporen.common.i18n import text as catalogue_text

    return catalogue_text(key, lang, **values)


def number(value: float | None, lang: str) -> str:
    from sporen.common.i18n import number as formatted

    return formatted(value, lang)
