"""Broker commands: publish, can-i-deploy, record-deployment/-undeployment/-release,
create-environment. Flags and environment variables follow the official Pact CLIs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from accord.broker_client import client_from_env
from accord.broker_client import operations as ops
from accord.broker_client.http import BrokerClient
from accord.cli.output import painter_for


def add_broker_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("broker (defaults from PACT_BROKER_* variables)")
    group.add_argument(
        "-b",
        "--broker-base-url",
        "--broker-url",
        dest="broker_url",
        default=os.environ.get("PACT_BROKER_BASE_URL"),
    )
    group.add_argument("-k", "--broker-token", default=os.environ.get("PACT_BROKER_TOKEN"))
    group.add_argument("-u", "--broker-username", default=os.environ.get("PACT_BROKER_USERNAME"))
    group.add_argument("-p", "--broker-password", default=os.environ.get("PACT_BROKER_PASSWORD"))


def broker_client(args: argparse.Namespace) -> BrokerClient:
    return client_from_env(
        args.broker_url,
        token=args.broker_token,
        username=args.broker_username,
        password=args.broker_password,
    )


def register(sub: Any) -> None:
    publish = sub.add_parser("publish", help="publish pact files to a broker")
    publish.add_argument("pacts", nargs="+", metavar="PACTS", help="pact files or directories")
    publish.add_argument("-a", "--consumer-app-version", required=True)
    publish.add_argument("--branch")
    publish.add_argument("-t", "--tag", action="append", default=[], dest="tags")
    publish.add_argument("--build-url")
    add_broker_options(publish)
    publish.set_defaults(handler=run_publish)

    cid = sub.add_parser("can-i-deploy", help="ask the broker whether a version can be deployed")
    cid.add_argument("-a", "--pacticipant", required=True)
    which = cid.add_mutually_exclusive_group()
    which.add_argument("-e", "--version")
    which.add_argument("-l", "--latest", action="store_true")
    target = cid.add_mutually_exclusive_group()
    target.add_argument("--to-environment")
    target.add_argument("--to", dest="to_tag")
    cid.add_argument("--retry-while-unknown", type=int, default=0, metavar="TIMES")
    cid.add_argument("--retry-interval", type=float, default=10.0, metavar="SECONDS")
    cid.add_argument("-o", "--output", choices=["table", "json"], default="table")
    cid.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    add_broker_options(cid)
    cid.set_defaults(handler=run_can_i_deploy)

    for name, helptext in (
        ("record-deployment", "record that a version is deployed to an environment"),
        ("record-release", "record that a version is released to an environment"),
    ):
        parser = sub.add_parser(name, help=helptext)
        parser.add_argument("-a", "--pacticipant", required=True)
        parser.add_argument("-e", "--version", required=True)
        parser.add_argument("--environment", required=True)
        if name == "record-deployment":
            parser.add_argument("--application-instance")
        add_broker_options(parser)
        parser.set_defaults(handler=run_record, command_name=name)

    undeploy = sub.add_parser("record-undeployment", help="record that a version was removed")
    undeploy.add_argument("-a", "--pacticipant", required=True)
    undeploy.add_argument("--environment", required=True)
    undeploy.add_argument("--application-instance")
    add_broker_options(undeploy)
    undeploy.set_defaults(handler=run_undeploy)

    env = sub.add_parser("create-environment", help="create a deployment environment")
    env.add_argument("--name", required=True)
    env.add_argument("--display-name")
    env.add_argument("--production", action="store_true")
    add_broker_options(env)
    env.set_defaults(handler=run_create_environment)


def run_publish(args: argparse.Namespace) -> int:
    published = ops.publish(
        broker_client(args),
        args.pacts,
        consumer_version=args.consumer_app_version,
        branch=args.branch,
        tags=args.tags,
        build_url=args.build_url,
    )
    for item in published:
        print(f"Published the pact between {item.consumer} ({item.version}) and {item.provider}")
    return 0


def run_can_i_deploy(args: argparse.Namespace) -> int:
    if not args.version and not args.latest:
        print("accord: error: can-i-deploy needs --version or --latest", file=sys.stderr)
        return 2
    decision = ops.can_i_deploy(
        broker_client(args),
        args.pacticipant,
        version=args.version,
        latest=args.latest,
        to_environment=args.to_environment,
        to_tag=args.to_tag,
        retry_while_unknown=args.retry_while_unknown,
        retry_interval=args.retry_interval,
    )
    if args.output == "json":
        print(
            json.dumps(
                {
                    "summary": {
                        **decision.summary,
                        "deployable": decision.deployable,
                        "reason": decision.reason,
                    },
                    "matrix": decision.matrix,
                    "notices": decision.notices,
                },
                indent=2,
            )
        )
    else:
        paint = painter_for(sys.stdout, args.color)
        print(decision.table())
        print()
        if decision.deployable:
            verdict = paint("Computer says yes \\o/", "green")
        else:
            verdict = paint("Computer says no ¯\\_(ツ)_/¯", "red")
        print(verdict)
        print(decision.reason)
    return 0 if decision.deployable else 1


def run_record(args: argparse.Namespace) -> int:
    client = broker_client(args)
    if args.command_name == "record-deployment":
        ops.record_deployment(
            client,
            args.pacticipant,
            args.version,
            args.environment,
            application_instance=args.application_instance,
        )
        print(
            f"Recorded deployment of {args.pacticipant} version {args.version} "
            f"to {args.environment}"
        )
    else:
        ops.record_release(client, args.pacticipant, args.version, args.environment)
        print(
            f"Recorded release of {args.pacticipant} version {args.version} to {args.environment}"
        )
    return 0


def run_undeploy(args: argparse.Namespace) -> int:
    done = ops.record_undeployment(
        broker_client(args),
        args.pacticipant,
        args.environment,
        application_instance=args.application_instance,
    )
    print(
        f"Recorded undeployment of {args.pacticipant} from {args.environment} "
        f"({len(done)} deployment{'s' if len(done) != 1 else ''})"
    )
    return 0


def run_create_environment(args: argparse.Namespace) -> int:
    env = ops.create_environment(
        broker_client(args), args.name, display_name=args.display_name, production=args.production
    )
    print(f"Created environment {env.get('name', args.name)} with UUID {env.get('uuid')}")
    return 0
