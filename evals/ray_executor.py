"""The Ray executor: a run's samples worked by actors on a Ray cluster.

``ethos eval run ... --executor ray [--address ADDR] [--workers N]``. Why
Ray and not something home-made: a study that outgrows one machine needs
scheduling, placement on GPUs and process supervision that an existing
engine already does well. What Ray does not do here is coordinate the
samples: that stays the store's claim protocol (ethos.db.leases), the same
one several plain ``ethos eval run`` processes use, so a run worked by Ray
is resumed, reported and exported exactly like a local one.

The driver (the command's own process) checks everything before a run row
exists (the database must be PostgreSQL: workers on other machines cannot
reach a SQLite file; the cluster must answer; it must have room for the
workers), starts or joins the run and inserts its samples as ``run_eval``
does (``start_run``, ``fill_run``), then starts ``N`` actors. Each actor
opens the store from the same URL, builds the task from the same
configuration (refusing when its samples or task code differ from the
driver's: a worker machine with other files), joins the run as one more
lease-holding worker and works it with the local executor's own
``_Runner``: its own gateway, its own ``max_connections`` limits, one
``LocalModel`` per actor process, asking for a GPU where the cluster has
them and an arm runs a local model. The driver holds no samples; it shows
progress from the store, stops the actors when ``--fail-on-error`` is
reached, and finishes the run with the local executor's outcome.

A lost actor (killed, its node gone) loses its claims: on its own host
at once (its pid is gone), elsewhere when its lease expires, and the other
actors take them over. When every actor is lost before the run is done the
run ends ``failed`` saying so, and the same command finishes it.

Settings reach the actors through Ray's ``runtime_env`` (``ETHOS_*``, the
providers' ``*_API_KEY``/``*_API_BASE``, ``LITELLM_*``, ``HF_*``, and the
ethos.toml the driver read as an absolute ``ETHOS_CONFIG``), and an actor
works in the driver's directory where its node has it (Ray starts it in
the directory ``ray start`` ran in): a task defined by a file path, or
reading relative paths, works where the paths are the same on every machine.
Ray is imported only here, only when this executor is asked for.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ethos.errors import ConfigError, EthosError

EXECUTORS = ("local", "ray")
CONNECT_TIMEOUT_S = 3.0
POLL_S = 0.5
STOP_GRACE_S = 10.0
# What travels to the actors from the driver's environment.
ENV_PREFIXES = ("ETHOS_", "LITELLM_", "HF_")
ENV_SUFFIXES = ("_API_KEY", "_API_BASE", "_BASE_URL")


def check_database(url: str) -> None:
    """Refuse a SQLite database before anything is opened or created."""
    from ethos.db.url import backend_of, normalize_url, safe_url

    parsed = normalize_url(url)
    if backend_of(parsed) == "sqlite":
        raise ConfigError(
            f"--executor ray cannot use the SQLite database {safe_url(parsed)}: "
            "workers on other machines cannot reach the file",
            "use PostgreSQL (--db postgresql://user@host:5432/dbname)",
        )


def probe_address(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """A TCP connection to the cluster's address within ``timeout_s``, and
    an HTTP/2 answer on it (Ray's GCS): Ray's own connect retries for
    minutes, printing warnings, before it gives up on a wrong address."""
    if address in ("auto", "local"):
        return
    where = address.removeprefix("ray://")
    host, sep, port = where.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ConfigError(
            f"--address {address!r} is not HOST:PORT",
            "pass the address `ray start --head` printed, e.g. --address 10.0.0.5:6379",
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s) as conn:
            tls = os.environ.get("RAY_USE_TLS", "0") not in ("", "0")
            is_ray = tls or _speaks_http2(conn)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            f"cannot reach the Ray cluster at {address} ({reason})",
            "start it there with `ray start --head`, or pass the address it printed",
        ) from None
    if not is_ray:  # ray.init would retry it for minutes, printing warnings
        raise ConfigError(
            f"{address} answers but is not a Ray cluster (no Ray GCS on that port)",
            "pass the address `ray start --head` printed (its --port, 6379 by default)",
        )


# An HTTP/2 client's preface and an empty SETTINGS frame.
_H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def _speaks_http2(conn: socket.socket) -> bool:
    """Whether the server on ``conn`` answers an HTTP/2 preface with its
    SETTINGS frame, as a Ray cluster's GCS (a gRPC server) does. Any other
    service on the port (a typo'd port, PostgreSQL's) does not, and Ray's
    own connect would not give up on it for minutes. Without TLS only
    (``RAY_USE_TLS``: the check is skipped)."""
    conn.sendall(_H2_PREFACE)
    head = b""
    while len(head) < 9:
        try:
            chunk = conn.recv(9 - len(head))
        except (TimeoutError, ConnectionError):
            return False
        if not chunk:
            return False
        head += chunk
    return head[3] == 4  # the frame's type: SETTINGS


def connect(address: str | None, workers: int) -> dict[str, float]:
    """Join the Ray cluster at ``address`` (None: the one RAY_ADDRESS names,
    else a new one on this machine) with the settings the actors need, and
    check it has a CPU per worker; returns its resources."""
    # A wrong address is named whether or not Ray is here; RAY_ADDRESS's
    # too (ray.init would retry it for minutes).
    target = address if address is not None else os.environ.get("RAY_ADDRESS") or None
    if target is not None:
        probe_address(target)
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray, which is not installed", "pip install 'ethos[ray]'"
        ) from None
    import logging

    from ethos.settings import find_config_file

    options: dict[str, Any] = {}
    if address is None and not os.environ.get("RAY_ADDRESS"):
        options["include_dashboard"] = False  # a cluster of its own: nothing to browse
    try:
        ray.init(
            address=address,
            runtime_env={"env_vars": worker_env(os.environ, find_config_file())},
            logging_level=logging.WARNING,
            log_to_driver=False,
            **options,
        )
    except (ConnectionError, TimeoutError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"cannot join the Ray cluster at {address or 'this machine'} ({first})",
            "check the address `ray start --head` printed",
        ) from None
    resources = dict(ray.cluster_resources())
    cpus = resources.get("CPU", 0.0)
    if workers > cpus:
        ray.shutdown()
        raise ConfigError(
            f"--workers {workers} needs {workers} CPUs (one per worker) but the Ray cluster "
            f"at {address or 'this machine'} has {cpus:g}",
            f"pass --workers {int(cpus) or 1}, or give the cluster more "
            "(ray start --num-cpus N, more nodes)",
        )
    return resources


def disconnect() -> None:
    import ray

    ray.shutdown()


def worker_env(environ: Mapping[str, str], config_file: Path | None = None) -> dict[str, str]:
    """The driver's settings the actors need (they run in processes of
    their own, possibly on other machines). ``config_file``, the ethos.toml
    the driver read, is named by its absolute path: an actor's working
    directory is the one ``ray start`` ran in, not the driver's, so its
    ``./ethos.toml`` (or a relative ``ETHOS_CONFIG``) is another file or none."""
    env = {
        k: v for k, v in environ.items() if k.startswith(ENV_PREFIXES) or k.endswith(ENV_SUFFIXES)
    }
    if config_file is not None:
        env["ETHOS_CONFIG"] = str(config_file.resolve())
    return env


def _uses_local_model(config: Any) -> bool:
    from ethos.models.gateway import resolve_model

    models = [a.model for a in config.arms] + list(config.model_roles.values())
    return any(resolve_model(m)[1] == "local" for m in models)


# -- the driver ------------------------------------------------------------------------


async def run_eval_ray(
    config: Any,
    *,
    store: Any,
    database_url: str,
    workers: int,
    resources: Mapping[str, float],
    resume: str | None = None,
    new_run: bool = False,
    progress: bool | str | None = None,
    settings: Any = None,
) -> Any:
    """Run (or finish, or join) the evaluation ``config`` describes on the
    Ray cluster ``connect`` joined, with ``workers`` actors; returns the
    same tally as ``run_eval``."""
    from ethos.db import leases
    from ethos.evals.run import _finish_quietly, _heartbeat, fill_run, finish_run, start_run
    from ethos.settings import load_settings

    check_database(database_url)
    settings = settings or load_settings()
    gpus = resources.get("GPU", 0.0)
    gpu = gpus > 0 and _uses_local_model(config)
    if gpu and workers > gpus:  # each would wait for a GPU forever
        raise ConfigError(
            f"--workers {workers} needs {workers} GPUs (one local model per worker) but the "
            f"Ray cluster has {gpus:g}",
            f"pass --workers {int(gpus) or 1}, or add GPU nodes",
        )
    # Started first: their processes start and import the task while the
    # driver checks the models and prepares the run.
    pool = _Actors(workers, gpu=gpu)
    pool.warm(config.task, config.task_args)
    try:
        config, task, samples, run, lease = await start_run(
            config, store=store, resume=resume, new_run=new_run, settings=settings
        )
    except BaseException:
        await asyncio.shield(pool.stop_all())
        raise
    heartbeat = asyncio.create_task(_heartbeat(store, lease))
    try:
        # Never works a sample: its progress display and outcome, as local.
        runner = await fill_run(store, lease, run, config, task, samples, settings)
        total, skipped = runner.total, runner.total - runner.pending
        share = {
            "database_url": database_url,
            "config": config.model_dump(mode="json"),
            "run_id": run.id,
            "transcripts": runner.transcripts,
            "cwd": os.getcwd(),
        }
        status, error = await pool.drive(runner, share, skipped, progress)
    except (asyncio.CancelledError, KeyboardInterrupt):
        await asyncio.shield(pool.stop_all())
        await _finish_quietly(
            store, lease, "cancelled", "interrupted; run the same command again to finish"
        )
        raise
    except Exception as exc:
        await asyncio.shield(pool.stop_all())
        await _finish_quietly(store, lease, "failed", f"{type(exc).__name__}: {exc}")
        raise
    finally:
        heartbeat.cancel()
    await leases.leave(store, lease)
    return await finish_run(store, config, run.id, status, error, total=total, skipped=skipped)


class _Actors:
    """The run's actors, and the driver's loop over them: progress from the
    store, the fail-on-error stop, lost actors named."""

    def __init__(self, n: int, *, gpu: bool) -> None:
        import ray

        worker = ray.remote(EvalWorker).options(
            num_cpus=1,
            num_gpus=1 if gpu else 0,
            max_concurrency=2,  # ``stop`` is answered while ``work`` awaits
            max_restarts=0,  # a lost actor's samples go to the others, by lease
        )
        self.actors = [worker.remote() for _ in range(n)]
        self.work: list[Any] = []  # the actors' ``work`` calls, once started
        self.warming: list[Any] = []
        self.lost: list[str] = []
        self.errors: list[str] = []
        self.stopped = False

    def warm(self, task: str, task_args: Mapping[str, Any]) -> None:
        """Have every actor build the task now (its imports take seconds)."""
        cwd = os.getcwd()
        self.warming = [a.warm.remote(task, dict(task_args), cwd) for a in self.actors]

    async def drive(
        self, runner: Any, share: dict[str, Any], skipped: int, progress: bool | str | None
    ) -> tuple[str, str | None]:
        from ray.exceptions import RayActorError, RayTaskError

        from ethos.evals.run import _Progress

        self.work = [actor.work.remote(share) for actor in self.actors]
        pending = {asyncio.wrap_future(ref.future()) for ref in self.work}
        with _Progress(runner, progress) as display:
            while pending:
                done, pending = await asyncio.wait(pending, timeout=POLL_S)
                for future in done:
                    exc = future.exception()
                    if exc is None:
                        self.stopped |= bool(future.result().get("stopped"))
                    elif isinstance(exc, RayActorError):
                        self.lost.append(_first_line(exc))
                        left = f"{len(pending)} left" if pending else "none left"
                        _warn(f"a Ray worker was lost ({self.lost[-1]}); {left}")
                    elif isinstance(exc, RayTaskError):
                        cause = exc.cause if exc.cause is not None else exc
                        self.errors.append(f"{type(cause).__name__}: {_first_line(cause)}")
                        _warn(f"a Ray worker failed: {self.errors[-1]}")
                    else:
                        raise exc
                await self._show(runner, display, skipped)
                if not self.stopped and runner.config.fail_on_error is not None:
                    if runner.failed and not runner._tolerated(runner.failed):
                        self.stopped = True
                        await self.stop_all(kill=False)
        runner.stop = self.stopped
        status, error = await runner._outcome()
        if status != "succeeded" and not self.stopped and (self.lost or self.errors):
            ended = len(self.lost) + len(self.errors)
            why = "; ".join([*self.errors, *self.lost][:3])
            error = f"{ended} of {len(self.actors)} Ray workers ended early ({why}): {error}"
        return status, error

    async def _show(self, runner: Any, display: Any, skipped: int) -> None:
        """The store's tally as the local display's: new finishes advance it."""
        from sqlalchemy import func, select

        from ethos.db import leases
        from ethos.db.tables import ModelCallRow

        counts = await leases.status_counts(runner.store, runner.run_id)
        succeeded = counts.get("succeeded", 0) - skipped
        failed = counts.get("failed", 0)
        new = succeeded + failed - runner.succeeded - runner.failed
        async with runner.store.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        func.coalesce(func.sum(ModelCallRow.input_tokens), 0),
                        func.coalesce(func.sum(ModelCallRow.output_tokens), 0),
                    ).where(ModelCallRow.run_id == runner.run_id)
                )
            ).one()
        runner.meter.input_tokens, runner.meter.output_tokens = int(row[0]), int(row[1])
        runner.succeeded, runner.failed = succeeded, failed
        for _ in range(max(0, new)):
            display.advance()

    async def stop_all(self, *, kill: bool = True) -> None:
        """Ask every actor to stop after its samples in flight; with ``kill``,
        end those that have not within ``STOP_GRACE_S`` (their claims
        expire with their lease)."""
        import ray

        for actor in self.actors:
            actor.stop.remote()
        if not kill:
            return
        if self.work:  # those that finish in time hand their unstarted claims back
            try:
                await asyncio.to_thread(
                    ray.wait, self.work, num_returns=len(self.work), timeout=STOP_GRACE_S
                )
            except Exception:
                pass
        for actor in self.actors:
            try:
                ray.kill(actor, no_restart=True)
            except Exception:
                pass


def _enter(cwd: str | None) -> None:
    """Work in the driver's directory where this node has it: an actor
    starts in the directory ``ray start`` ran in, where a task's relative
    paths (``-T questions=data/q.jsonl``, files its code opens) name other
    files or none, even on the driver's own machine."""
    if cwd and os.path.isdir(cwd):
        os.chdir(cwd)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _warn(text: str) -> None:
    print(f"warning: {text}", file=sys.stderr, flush=True)


# -- the actor -------------------------------------------------------------------------


class EvalWorker:
    """One Ray actor: one more lease-holding worker of the run, with its own
    store connection, gateway and model limits (the local ``_Runner``)."""

    def __init__(self) -> None:
        self.runner: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping = False

    def warm(self, task: str, task_args: dict[str, Any], cwd: str | None = None) -> str | None:
        """Build the task once, for its imports, while the driver prepares
        the run; a failure is only returned (``work`` meets it again and
        says so)."""
        from ethos.evals.task import resolve_task

        _enter(cwd)
        try:
            resolve_task(task, task_args)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def stop(self) -> None:
        """Finish the samples in flight, hand back the rest, leave."""
        self.stopping = True
        runner, loop = self.runner, self.loop
        if runner is not None and loop is not None:
            loop.call_soon_threadsafe(setattr, runner, "stop", True)

    async def work(self, share: dict[str, Any]) -> dict[str, Any]:
        """Work the run ``share`` names until nothing is left that no live
        worker holds (an async method: Ray runs it on the actor's own loop)."""
        from ethos.db import leases
        from ethos.db.store import Store
        from ethos.evals.fingerprint import code_fingerprint
        from ethos.evals.run import EvalConfig, _heartbeat, _Runner, run_items, task_code
        from ethos.evals.task import resolve_task
        from ethos.settings import load_settings

        url, run_id = share["database_url"], share["run_id"]
        _enter(share.get("cwd"))
        settings = load_settings(database_url=url)
        config = EvalConfig.model_validate(share["config"])
        task = resolve_task(config.task, config.task_args)
        samples = list(task.samples)[: config.limit]
        host = socket.gethostname()
        async with await Store.open(url, settings=settings, upgrade=False) as store:
            run = await store.get_run(run_id)
            fingerprint = config.fingerprint(samples)
            if run.metadata.get("fingerprint") != fingerprint:
                raise EthosError(
                    f"the Ray worker on {host} builds other samples for {config.task} than "
                    f"run {run_id[:12]} holds",
                    "give every machine the same task files and data (shared paths)",
                )
            code = (run.metadata.get("code") or {}).get("fingerprint")
            if code is not None and code != code_fingerprint(task_code(config, task)):
                raise EthosError(
                    f"the Ray worker on {host} has other task code for {config.task} than "
                    f"run {run_id[:12]} was started with",
                    "install the same version of the task's files on every machine",
                )
            items = run_items(config, task, samples)
            run, lease = await leases.join_run(
                store,
                kind="eval",
                fingerprint=fingerprint,
                lease_s=config.lease_s,
                new_run={"name": config.task},
                run_id=run_id,
            )
            heartbeat = asyncio.create_task(_heartbeat(store, lease))
            try:
                done = (await leases.status_counts(store, run_id)).get("succeeded", 0)
                runner = _Runner(store, lease, task, config, len(items), len(items) - done, items)
                runner.settings = settings
                runner.transcripts = bool(share["transcripts"])
                runner.stop = self.stopping
                self.runner, self.loop = runner, asyncio.get_running_loop()
                await runner.run("none")
            finally:
                heartbeat.cancel()
                self.runner = self.loop = None
        return {
            "host": host,
            "pid": os.getpid(),
            "worker": lease.worker_id,
            "succeeded": runner.succeeded,
            "failed": runner.failed,
            "stopped": runner.stop and not self.stopping,
        }
