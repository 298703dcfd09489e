# pipelint in a container: `docker build -t pipelint .` then, in the repository to lint,
#   docker run --rm -v "$PWD:/src:ro" pipelint check .
# Small (python slim, no compiler, no pip cache), runs as an unprivileged user, and needs no
# network beyond PyPI while building. `--build-arg EXTRAS=shellcheck` adds the shellcheck rule.
# The image has no git, so .gitignore rules are not applied to the walk (use `exclude` in config).
FROM python:3.12-slim AS build
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
COPY rules ./rules
COPY schemas ./schemas
ARG EXTRAS=""
RUN python -m venv /opt/pipelint \
 && /opt/pipelint/bin/pip install --no-cache-dir --disable-pip-version-check ".${EXTRAS:+[$EXTRAS]}" \
 && /opt/pipelint/bin/pip uninstall -y -q pip

FROM python:3.12-slim
COPY --from=build /opt/pipelint /opt/pipelint
RUN useradd --system --uid 10001 --create-home --shell /usr/sbin/nologin pipelint
ENV PATH="/opt/pipelint/bin:$PATH" PYTHONDONTWRITEBYTECODE=1
USER pipelint
WORKDIR /src
ENTRYPOINT ["pipelint"]
CMD ["check", "."]
