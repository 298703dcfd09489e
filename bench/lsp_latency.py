#!/usr/bin/env python3
"""Language-server latency: re-linting a 500-line pipeline template on ``textDocument/didChange``.

Usage::

    python bench/lsp_latency.py [--runs 50] [--warmup 5] [--file TEMPLATE] [--lines 500]

What it measures, once the server is warm (the file opened and re-linted ``--warmup`` times):

a. **through the real server**: ``pipelint lsp`` started as a subprocess, driven over stdio by
   pygls's client; each run sends one ``didChange`` (a one-character edit of a ``Description``,
   alternating, so every run lints new text) and times until the matching
   ``publishDiagnostics`` arrives: JSON-RPC both ways, pygls applying the change, the lint and
   the diagnostics conversion;
   It also prints, once, the server's start-up time (process start to the ``initialize``
   answer: importing pygls, lsprotocol and the engine) and the first lint after ``didOpen``;
b. **the same code path in process**: :meth:`pipelint.lsp.session.Session.change` on the same
   edits (what the server's handler calls), without the transport; wall clock and CPU time
   (the CPU time says what the lint costs when other processes share the machine).

The template is generated (``--lines``, default 500): CodeBuild projects with inline buildspecs,
IAM roles with inline policies, and a pipeline of build and deploy stages wired to them, so
the document, IAM, secret and inline-buildspec rules all run; ``--file`` measures a file of your
own instead. shellcheck (BS901) is used when installed, with its cache, as for a user.

Prints the median and min–max in milliseconds, and the load average before and after. No
timing is asserted anywhere; compare numbers taken on one machine in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def make_template(lines: int) -> str:
    """A CloudFormation pipeline template of about ``lines`` lines."""
    head = ['AWSTemplateFormatVersion: "2010-09-09"', "Description: generated for bench/lsp_latency.py", "Resources:"]
    body: list[str] = []
    stages: list[str] = []
    index = 0
    while len(head) + len(body) + len(stages) + 40 < lines:
        index += 1
        body += [
            f"  Build{index}:",
            "    Type: AWS::CodeBuild::Project",
            "    Properties:",
            f"      Description: build number {index}",
            f"      ServiceRole: !GetAtt Role{index}.Arn",
            "      Artifacts: {Type: CODEPIPELINE}",
            '      Environment: {Type: LINUX_CONTAINER, ComputeType: BUILD_GENERAL1_SMALL, Image: "aws/codebuild/standard:7.0"}',
            "      Source:",
            "        Type: CODEPIPELINE",
            "        BuildSpec: |",
            "          version: 0.2",
            "          env:",
            "            exported-variables:",
            "              - IMAGE_TAG",
            "          phases:",
            "            install:",
            "              runtime-versions:",
            '                python: "3.12"',
            "            build:",
            "              commands:",
            '                - export IMAGE_TAG="$CODEBUILD_RESOLVED_SOURCE_VERSION"',
            f'                - echo "building {index}"',
            "          artifacts:",
            "            files:",
            "              - '**/*'",
            f"  Role{index}:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            "      AssumeRolePolicyDocument:",
            '        Version: "2012-10-17"',
            "        Statement:",
            "          - Effect: Allow",
            "            Principal: {Service: codebuild.amazonaws.com}",
            "            Action: sts:AssumeRole",
            "      Policies:",
            "        - PolicyName: logs",
            "          PolicyDocument:",
            '            Version: "2012-10-17"',
            "            Statement:",
            "              - Effect: Allow",
            "                Action: [logs:CreateLogStream, logs:PutLogEvents]",
            f"                Resource: !Sub arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/codebuild/build{index}:*",
        ]
        stages += [
            f"        - Name: Build{index}",
            "          Actions:",
            f"            - Name: Build{index}",
            f"              Namespace: Vars{index}",
            "              ActionTypeId: {Category: Build, Owner: AWS, Provider: CodeBuild, Version: \"1\"}",
            f"              Configuration: {{ProjectName: !Ref Build{index}}}",
            "              InputArtifacts: [{Name: Source}]",
            f"              OutputArtifacts: [{{Name: Out{index}}}]",
        ]
    pipeline = [
        "  Pipeline:",
        "    Type: AWS::CodePipeline::Pipeline",
        "    Properties:",
        "      Description: the pipeline",
        "      RoleArn: arn:aws:iam::123456789012:role/pipeline",
        "      ArtifactStore: {Type: S3, Location: my-artifacts}",
        "      Stages:",
        "        - Name: Source",
        "          Actions:",
        "            - Name: Source",
        "              ActionTypeId: {Category: Source, Owner: AWS, Provider: S3, Version: \"1\"}",
        "              Configuration: {S3Bucket: my-source, S3ObjectKey: app.zip}",
        "              OutputArtifacts: [{Name: Source}]",
    ]
    return "\n".join(head + body + pipeline + stages) + "\n"


def edits(text: str, count: int) -> list[str]:
    """``count`` texts, each a one-character change of the previous one (a Description line)."""
    out = []
    for number in range(count):
        marker = "the pipeline" if number % 2 else "the pipelinE"
        out.append(text.replace("Description: the pipeline", f"Description: {marker}", 1) if "Description: the pipeline" in text
                   else text.replace("Description:", "Description:" + (" " if number % 2 else ""), 1))
    return out


def summary(samples: list[float]) -> str:
    """Median and min–max in milliseconds."""
    ms = [s * 1000 for s in samples]
    return f"median {statistics.median(ms):.1f} ms (min {min(ms):.1f}, max {max(ms):.1f}; {len(ms)} runs)"


async def through_server(path: Path, texts: list[str], warmup: int) -> tuple[float, float, list[float]]:
    """Time the server's start (process start to the ``initialize`` answer), the first lint
    (``didOpen`` to its diagnostics, cross-file rules included) and each didChange →
    publishDiagnostics round trip through ``pipelint lsp``."""
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("pipelint-bench", "1")
    arrived: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        arrived.put_nowait(params)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        return None

    began = time.perf_counter()
    await client.start_io(sys.executable, "-m", "pipelint", "lsp", "--isolated", cwd=str(path.parent))
    server = client._server  # drain its stderr so that the pipe never fills
    drain = asyncio.create_task(server.stderr.read()) if server is not None and server.stderr is not None else None
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=path.parent.as_uri()))
    started = time.perf_counter() - began
    client.initialized(types.InitializedParams())
    uri = path.as_uri()

    async def published(version: int) -> None:
        while True:
            params = await asyncio.wait_for(arrived.get(), 60)
            if params.uri == uri and params.version == version:
                return

    opened = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=texts[0])))
    await published(1)
    first = time.perf_counter() - opened
    samples: list[float] = []
    for number, text in enumerate(texts, start=2):
        start = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=number),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        await published(number)
        if number - 2 >= warmup:
            samples.append(time.perf_counter() - start)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    if drain is not None:
        await drain
    return started, first, samples


def in_process(path: Path, texts: list[str], warmup: int) -> tuple[list[float], list[float]]:
    """Time :meth:`Session.change` (the server's didChange handler without the transport): wall
    clock and this process's CPU time, which a busy machine inflates far less."""
    from pipelint.lsp.session import Session, path_to_uri

    session = Session(isolated=True)
    uri = path_to_uri(str(path))
    session.open(uri, texts[0])
    wall, cpu = [], []
    for number, text in enumerate(texts):
        start, start_cpu = time.perf_counter(), time.process_time()
        session.change(uri, text, number + 2)
        if number >= warmup:
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    """Parse the options, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--file", type=Path, help="a template to measure instead of the generated one")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pipelint-lsp-bench-") as folder:
        path = Path(folder) / "pipeline.yaml"
        text = options.file.read_text(encoding="utf-8") if options.file else make_template(options.lines)
        path.write_text(text, encoding="utf-8")
        texts = edits(text, options.runs + options.warmup)
        print(f"file: {options.file or 'generated template'}, {text.count(chr(10))} lines, {len(text.encode())} bytes")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        started, first, served = asyncio.run(through_server(path, texts, options.warmup))
        local, local_cpu = in_process(path, texts, options.warmup)
        print(f"server start (process start to the initialize answer): {started * 1000:.0f} ms; "
              f"first lint (didOpen to diagnostics, cross-file rules included): {first * 1000:.0f} ms")
        print(f"didChange -> publishDiagnostics through `pipelint lsp` (stdio): {summary(served)}")
        print(f"Session.change in process (the same lint, no transport):      {summary(local)}")
        print(f"  its CPU time (shellcheck's own processes not counted):       {summary(local_cpu)}")
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
