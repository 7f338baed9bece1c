"""``accord verify SOURCE... --provider NAME``: verify a provider against its pacts."""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from accord.cli.client_cmd import add_broker_options, broker_client
from accord.cli.output import Painter, painter_for
from accord.errors import AccordError
from accord.http_client import Auth
from accord.provider.events import (
    Event,
    InteractionFinished,
    Listener,
    ResultsPublished,
    SourceUnloaded,
    VerificationFinished,
    VerificationStarted,
    VerificationWarning,
)
from accord.provider.reports import JsonReport, JUnitReport, ReportFile
from accord.provider.results import Outcome
from accord.provider.safe_text import encodable
from accord.provider.verifier import Verifier


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "verify",
        help="verify a provider against pact files, directories or URLs",
        description="Verify every interaction in the pacts (HTTP, asynchronous and "
        "synchronous messages) against the provider. Exit status 0 when everything passed "
        "(pending failures allowed), 1 when a contract failed (including an interaction "
        "whose pact has a broken rule, or whose producer failed), 2 when verification "
        "could not run fully (bad arguments, an unreadable source, no pact for the "
        "provider; the pacts that could be read are still verified and reported).",
    )
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help="pact file, dir or URL")
    parser.add_argument("--provider", required=True, help="the provider's name")
    how = parser.add_argument_group("how to reach the provider")
    how.add_argument(
        "--app", metavar="MODULE:ATTR", help="a Python Verifier, e.g. app.pact:verifier"
    )
    how.add_argument("--message-url", help="the provider's Pact message endpoint (any language)")
    how.add_argument(
        "--provider-base-url",
        metavar="URL",
        help="replay HTTP interactions against this running server, e.g. http://127.0.0.1:8000",
    )
    how.add_argument(
        "--state-change-url",
        help="the provider's state-change endpoint (POST {state, params, action})",
    )
    how.add_argument(
        "--transport",
        action="append",
        default=[],
        metavar="NAME=TARGET",
        help="a named transport, e.g. grpc=127.0.0.1:50051, websocket=ws://127.0.0.1:8000, "
        "http=http://127.0.0.1:8000 or message=URL (repeatable)",
    )
    how.add_argument(
        "--custom-header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add or replace a header on every HTTP request, e.g. 'Authorization: Bearer x' "
        "(repeatable)",
    )
    sel = parser.add_argument_group("selecting interactions")
    sel.add_argument(
        "--filter-description", help="only interactions whose description contains this"
    )
    sel.add_argument(
        "--filter-state", help="only interactions with a state containing this ('' = none)"
    )
    sel.add_argument("--filter-consumer", help="only pacts from this consumer")
    out = parser.add_argument_group("output")
    out.add_argument("--json", metavar="FILE", help="write the results as JSON")
    out.add_argument("--junit", metavar="FILE", help="write the results as JUnit XML")
    out.add_argument(
        "--verbose", "-v", action="store_true", help="show notices such as extra fields"
    )
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    run_opts = parser.add_argument_group("running")
    run_opts.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds for each call into the provider, and for each step of matching and "
        "generation (30)",
    )
    run_opts.add_argument(
        "--missing-state",
        choices=["fail", "warn"],
        default="fail",
        help="what a provider state without a handler does (fail)",
    )
    broker = parser.add_argument_group("pacts from a broker")
    broker.add_argument(
        "--consumer-version-selectors",
        action="append",
        default=[],
        metavar="JSON",
        help="a selector such as '{\"mainBranch\": true}' (repeatable)",
    )
    broker.add_argument("--provider-version", "--provider-app-version", dest="provider_version")
    broker.add_argument("--provider-branch")
    broker.add_argument(
        "--provider-version-tag",
        "--provider-tags",
        action="append",
        default=[],
        dest="provider_tags",
    )
    broker.add_argument(
        "--publish", "--publish-verification-results", action="store_true", dest="publish"
    )
    broker.add_argument("--enable-pending", action="store_true")
    broker.add_argument("--include-wip-pacts-since", metavar="DATE")
    broker.add_argument("--build-url")
    add_broker_options(parser)
    parser.set_defaults(handler=run)


def load_app(spec: str) -> Verifier:
    """Import ``module:attr`` (the current directory is importable) and return the Verifier."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise AccordError(f"--app must look like module:attribute, not {spec!r}")
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AccordError(f"cannot import {module_name!r} for --app: {exc}") from exc
    if not hasattr(module, attr):
        names = [n for n in vars(module) if not n.startswith("_")]
        close = difflib.get_close_matches(attr, names, n=1)
        hint = f"; did you mean {module_name}:{close[0]}?" if close else ""
        raise AccordError(f"{module_name!r} has no attribute {attr!r} for --app{hint}")
    target = getattr(module, attr)
    if callable(target) and not isinstance(target, Verifier):
        target = target()
    if not isinstance(target, Verifier):
        raise AccordError(f"{spec} is not an accord Verifier (found {type(target).__name__})")
    return target


class ConsoleReporter:
    """Prints each interaction as it finishes: progress for long runs, reasons at once.

    Names, reasons and values come from pacts and producers: each is escaped for the
    stream (:func:`~accord.provider.safe_text.encodable`) *before* it is coloured, so a
    lone surrogate cannot crash the run and an escape sequence cannot rewrite the terminal.
    """

    def __init__(self, paint: Painter, verbose: bool, stream: TextIO | None = None) -> None:
        self.paint = paint
        self.verbose = verbose
        self.stream = stream

    def _text(self, text: str) -> str:
        stream = self.stream or sys.stdout
        return encodable(text, getattr(stream, "encoding", None))

    def _print(self, line: str) -> None:
        print(line, file=self.stream or sys.stdout)

    def __call__(self, event: Event) -> None:
        paint, text, out = self.paint, self._text, self._print
        if isinstance(event, VerificationStarted):
            out(
                paint(
                    text(f"Verifying {event.provider}: {event.interactions} interactions"), "bold"
                )
            )
        elif isinstance(event, VerificationWarning):
            out(paint(text(f"  warning: {event.message}"), "yellow"))
        elif isinstance(event, InteractionFinished):
            r = event.result
            if r.outcome is Outcome.PASSED:
                mark = paint("ok  ", "green")
            elif r.pending:
                mark = paint("PEND", "yellow")
            else:
                mark = paint("FAIL", "red")
            given = f" given {', '.join(repr(s) for s in r.states)}" if r.states else ""
            kind = f" ({r.kind})"
            name = text(f"{r.consumer}: {r.description!r}")
            out(f"  {mark} {name}{paint(text(given + kind), 'dim')}")
            for line in r.comment_lines():
                out(paint(text(f"       {line}"), "dim"))
            if r.outcome is not Outcome.PASSED:
                if r.error:
                    out(f"       {paint(text(r.error), 'red')}")
                for mismatch in r.mismatches:
                    out(text(f"       {mismatch}"))
            for warning in r.warnings:
                out(paint(text(f"       warning: {warning}"), "yellow"))
            if self.verbose:
                for notice in r.notices:
                    out(paint(text(f"       note: {notice}"), "dim"))
        elif isinstance(event, SourceUnloaded):
            out(paint(text(f"  ERROR could not load a pact: {event.failure.error}"), "red"))
        elif isinstance(event, ResultsPublished):
            out(paint(text(f"  {event.published.describe()}"), "bold"))
        elif isinstance(event, VerificationFinished):
            result = event.result
            if result.interrupted:
                out(paint("  interrupted: the remaining interactions were not verified", "red"))
            out(paint(result.summary(), "green" if result.ok else "red"))


def _selectors(raw: list[str]) -> list[dict[str, Any]]:
    selectors = []
    for text in raw:
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise AccordError(f"--consumer-version-selectors {text!r} is not JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise AccordError(f"--consumer-version-selectors {text!r} must be a JSON object")
        selectors.append(value)
    return selectors


def _headers(raw: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for text in raw:
        name, sep, value = text.partition(":")
        if not sep or not name.strip():
            raise AccordError(f"--custom-header {text!r} must look like 'Name: value'")
        headers[name.strip()] = value.strip()
    return headers


def _transports(raw: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in raw:
        name, sep, target = text.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise AccordError(f"--transport {text!r} must look like NAME=TARGET")
        found[name.strip()] = target.strip()
    return found


def _verifier(args: argparse.Namespace) -> Verifier:
    if args.app and args.message_url:
        raise AccordError("use either --app or --message-url, not both")
    if args.app:
        verifier = load_app(args.app)
        verifier.provider = args.provider
        verifier.timeout = args.timeout
        verifier.missing_state = args.missing_state
        if args.state_change_url:
            verifier.state_change_url = args.state_change_url
        return verifier
    if args.message_url or args.provider_base_url or args.transport:
        return Verifier(
            args.provider,
            message_url=args.message_url,
            state_change_url=args.state_change_url,
            timeout=args.timeout,
            missing_state=args.missing_state,
        )
    raise AccordError(
        "say how to reach the provider: --app module:verifier, --provider-base-url URL "
        "or --message-url URL"
    )


def run(args: argparse.Namespace) -> int:
    reports: list[ReportFile] = []
    if args.json:
        reports.append(JsonReport(args.json))
    if args.junit:
        reports.append(JUnitReport(args.junit))
    try:
        return _run(args, reports)
    except AccordError as exc:
        for report in reports:
            report.write_error(args.provider, str(exc))
        raise


def _run(args: argparse.Namespace, reports: list[ReportFile]) -> int:
    if not args.sources and not args.broker_url:
        raise AccordError("give pact files, directories or URLs, or a broker (--broker-url)")
    headers = _headers(args.custom_header)
    verifier = _verifier(args)
    paint = painter_for(sys.stdout, args.color)
    listeners: list[Listener] = [ConsoleReporter(paint, args.verbose), *reports]
    # An --app Verifier is a module global: take our listeners off again afterwards, so a
    # second run in the same process (tests, notebooks) does not report twice.
    verifier.listeners.extend(listeners)
    try:
        return _verify(verifier, args, headers)
    finally:
        for listener in listeners:
            verifier.listeners.remove(listener)


def _verify(verifier: Verifier, args: argparse.Namespace, headers: dict[str, str]) -> int:
    transports = _transports(args.transport)
    token, user = args.broker_token, args.broker_username
    auth = Auth(token, user, args.broker_password) if (token or user) else None
    client = broker_client(args) if args.broker_url else None
    result = verifier.verify(
        *args.sources,
        filter_description=args.filter_description,
        filter_state=args.filter_state,
        filter_consumer=args.filter_consumer,
        auth=auth,
        verbose=args.verbose,
        base_url=args.provider_base_url,
        transports=transports,
        custom_headers=headers,
        broker=client,
        selectors=_selectors(args.consumer_version_selectors),
        provider_version=args.provider_version,
        provider_branch=args.provider_branch,
        provider_tags=args.provider_tags,
        publish=args.publish,
        enable_pending=args.enable_pending,
        include_wip_since=args.include_wip_pacts_since,
        build_url=args.build_url,
    )
    if not result.complete:
        return 2  # a source could not be loaded: no verdict on everything
    return 0 if result.ok else 1
