"""``AS`` rules: CodeDeploy AppSpec files for EC2/on-premises, Amazon ECS and AWS Lambda.

Codes: ``AS00x`` schemas and file kind, ``AS1xx`` EC2/on-premises top level, files and
permissions, ``AS2xx`` lifecycle hooks, ``AS3xx`` checks against the revision bundle on disk,
``AS4xx`` Amazon ECS, ``AS5xx`` AWS Lambda. Shared tables and helpers live in
:mod:`pipelint.models.appspec`.
"""
