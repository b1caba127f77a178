"""The Helm chart (helm/send-portal): `helm lint --strict` and `helm template` through
Helm's own Go code (helm-python-sdk, no helm binary), every rendered manifest checked
against the Kubernetes API schemas (kubernetes-validate, strict: unknown fields fail),
then the properties the platform relies on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import helm_python as helm
import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "send-portal"
PRODUCTION_EXAMPLE = ROOT / "helm" / "values-production-example.yaml"
KUBERNETES_VERSION = "1.37.0"  # the newest kubernetes-validate 1.37.0 ships
RELEASE, NAMESPACE = "send-portal", "send-portal"
VALUES_FILES = {"defaults": None, "production-example": PRODUCTION_EXAMPLE}
WORKLOAD_KINDS = {"Deployment", "Job"}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|ACCESS_KEY|API_KEY|_KEY$")
URL_WITH_CREDENTIALS = re.compile(r"://[^/@\s]+:[^/@\s]+@")


def values_from(name: str) -> dict | None:
    path = VALUES_FILES[name]
    return yaml.safe_load(path.read_text()) if path else None


def render(values: dict | None, *, is_upgrade: bool = False) -> list[dict]:
    """`helm template`: every YAML document the chart renders, parsed."""
    with helm.Chart.load(CHART) as chart:
        manifests = chart.render(
            values, name=RELEASE, namespace=NAMESPACE, is_install=not is_upgrade, is_upgrade=is_upgrade
        )
    documents = []
    for path, text in sorted(manifests.items()):
        if path.endswith((".yaml", ".yml")):
            documents.extend(document for document in yaml.safe_load_all(text) if document)
    return documents


def merged_and_rendered(values_name: str) -> tuple[dict, list[dict]]:
    """(the values as an install would use them, the rendered documents)."""
    values = values_from(values_name)
    with helm.Chart.load(CHART) as chart:
        merged = chart.merge_values(values)
    return merged, render(values)


@pytest.fixture(scope="module", params=sorted(VALUES_FILES))
def rendered(request) -> tuple[dict, list[dict]]:
    return merged_and_rendered(request.param)


@pytest.fixture(scope="module")
def production() -> tuple[dict, list[dict]]:
    return merged_and_rendered("production-example")


def of_kind(documents: list[dict], kind: str) -> list[dict]:
    return [document for document in documents if document["kind"] == kind]


def app_settings(documents: list[dict]) -> dict:
    """The ConfigMap of the app's settings (the other is the clamd sidecars' clamd.conf)."""
    (found,) = [d for d in of_kind(documents, "ConfigMap") if "clamd.conf" not in d["data"]]
    return found


def named(documents: list[dict], kind: str, component: str) -> dict:
    (found,) = [
        document
        for document in of_kind(documents, kind)
        if document["metadata"]["labels"].get("app.kubernetes.io/component") == component
    ]
    return found


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def containers(workload: dict) -> list[dict]:
    """The chart's own containers (the clamd sidecar is not one: see clamd_sidecar)."""
    spec = pod_spec(workload)
    return [c for c in spec.get("initContainers", []) + spec["containers"] if c["name"] != "clamd"]


def clamd_sidecar(workload: dict) -> dict | None:
    return next((c for c in pod_spec(workload).get("initContainers", []) if c["name"] == "clamd"), None)


# --- helm lint --strict ---------------------------------------------------------------


@pytest.mark.parametrize("values_name", sorted(VALUES_FILES))
def test_helm_lint_strict_passes(values_name):
    report = helm.lint(CHART, values_from(values_name), strict=True, kube_version=f"v{KUBERNETES_VERSION}")
    assert report["errors"] == []
    # strict: a warning fails as an error would (severity 2 = warning, 3 = error).
    assert [message for message in report["messages"] if message["severity"] >= 2] == []


# --- every manifest is valid Kubernetes ---------------------------------------------


def test_every_rendered_manifest_validates_against_the_kubernetes_schemas(rendered):
    _, documents = rendered
    assert documents
    for document in documents:
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            pytest.fail(f"{document['kind']}/{document['metadata']['name']}: {path}: {error.message}")


def test_the_production_example_renders_every_part_of_the_platform(production):
    _, documents = production
    kinds = sorted(document["kind"] for document in documents)
    assert kinds == sorted(
        ["ConfigMap", "ConfigMap", "ServiceAccount", "Service", "Ingress", "Job"]
        + ["Deployment"] * 3
        + ["HorizontalPodAutoscaler"] * 2
        + ["PodDisruptionBudget"] * 2
        + ["NetworkPolicy"] * 2
    )
    for component in ("web", "worker"):
        assert named(documents, "HorizontalPodAutoscaler", component)["apiVersion"] == "autoscaling/v2"
        assert named(documents, "PodDisruptionBudget", component)["apiVersion"] == "policy/v1"
    assert (
        named(documents, "HorizontalPodAutoscaler", "web")["spec"]["scaleTargetRef"]["name"]
        == named(documents, "Deployment", "web")["metadata"]["name"]
    )
    # The HPA owns the replica count: the Deployment leaves it alone.
    assert "replicas" not in named(documents, "Deployment", "web")["spec"]


# --- probes, resources, security ----------------------------------------------------


def test_web_probes_the_health_endpoints(rendered):
    _, documents = rendered
    (web,) = named(documents, "Deployment", "web")["spec"]["template"]["spec"]["containers"]
    assert web["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert web["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert web["startupProbe"]["httpGet"]["path"] == "/health/live"
    # Health answers on any host: no Host header needed.
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert web[probe]["httpGet"]["port"] == "http"
        assert "httpHeaders" not in web[probe]["httpGet"]
    assert web["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert web["command"] == ["gunicorn", "config.wsgi:application", "-c", "platform/gunicorn.conf.py"]


def test_worker_and_beat_have_an_exec_liveness_probe(rendered):
    _, documents = rendered
    for component in ("worker", "beat"):
        (container,) = pod_spec(named(documents, "Deployment", component))["containers"]
        assert container["livenessProbe"]["exec"]["command"], component
        assert container["command"][:4] == ["celery", "-A", "config", component]


def test_every_container_has_resources_and_runs_restricted(rendered):
    _, documents = rendered
    workloads = [document for document in documents if document["kind"] in WORKLOAD_KINDS]
    assert len(workloads) == 4  # web, worker, beat, migrations
    for workload in workloads:
        spec = pod_spec(workload)
        where = workload["metadata"]["name"]
        assert spec["automountServiceAccountToken"] is False, where
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, where
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        for container in containers(workload):
            where = f"{workload['metadata']['name']}/{container['name']}"
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), where
            assert {"cpu", "memory"} <= set(resources["limits"]), where
            security = container["securityContext"]
            assert security["runAsNonRoot"] is True, where
            assert security["runAsUser"] == 10001, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"] == {"drop": ["ALL"]}, where
            assert security["seccompProfile"] == {"type": "RuntimeDefault"}, where
            assert security.get("privileged", False) is False, where
            # The root filesystem is read-only: /tmp is an emptyDir.
            mounted = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            assert "emptyDir" in volumes[mounted["/tmp"]], where  # noqa: S108 - a mount path, not a file


def test_every_container_runs_the_chart_image(production):
    values, documents = production
    expected = f"{values['image']['repository']}:{values['image']['tag']}"
    for workload in (document for document in documents if document["kind"] in WORKLOAD_KINDS):
        for container in containers(workload):
            assert container["image"] == expected
            assert container["imagePullPolicy"] == values["image"]["pullPolicy"]


# --- hosts: Ingress, TLS, ALLOWED_HOSTS ---------------------------------------------


def test_one_ingress_host_per_council_plus_the_platform_host(rendered):
    values, documents = rendered
    expected = [values["platformHost"]] + [council["host"] for council in values["councils"]]
    (ingress,) = of_kind(documents, "Ingress")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == expected
    assert len(set(hosts)) == len(hosts)
    assert ingress["spec"]["ingressClassName"] == values["ingress"]["className"]
    tls_hosts = [host for entry in ingress["spec"]["tls"] for host in entry["hosts"]]
    assert sorted(tls_hosts) == sorted(hosts)
    assert all(entry["secretName"] for entry in ingress["spec"]["tls"])
    web_service = named(documents, "Service", "web")["metadata"]["name"]
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        assert path["backend"]["service"] == {"name": web_service, "port": {"name": "http"}}
    config = app_settings(documents)
    assert config["data"]["DJANGO_ALLOWED_HOSTS"].split(",") == expected
    assert config["data"]["PLATFORM_DOMAIN"] == values["platformHost"]
    assert config["data"]["PUBLIC_URL_SCHEME"] == "https"


def test_the_production_example_has_three_councils_with_their_certificates(production):
    values, documents = production
    slugs = [council["slug"] for council in values["councils"]]
    assert len(slugs) == 3
    assert {"cumbria", "somerset"} <= set(slugs)
    (ingress,) = of_kind(documents, "Ingress")
    by_secret = {entry["secretName"]: entry["hosts"] for entry in ingress["spec"]["tls"]}
    for council in values["councils"]:
        secret = council.get("tlsSecretName", values["ingress"]["tls"]["secretName"])
        assert council["host"] in by_secret[secret]
    (account,) = of_kind(documents, "ServiceAccount")
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam::")
    for workload in (document for document in documents if document["kind"] in WORKLOAD_KINDS):
        assert pod_spec(workload)["serviceAccountName"] == account["metadata"]["name"]


# --- the migration hook -------------------------------------------------------------


def test_migrations_run_as_a_post_install_pre_upgrade_hook_with_the_apps_settings(rendered):
    values, documents = rendered
    (job,) = of_kind(documents, "Job")
    annotations = job["metadata"]["annotations"]
    # Not pre-install: it would run before the release's ConfigMap exists (docs/architecture.md).
    assert annotations["helm.sh/hook"] == "post-install,pre-upgrade"
    assert int(annotations["helm.sh/hook-weight"]) == values["migrations"]["hookWeight"]
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"].split(",")
    (migrate,) = pod_spec(job)["containers"]
    (web,) = pod_spec(named(documents, "Deployment", "web"))["containers"]
    assert migrate["envFrom"] == web["envFrom"]
    sources = {next(iter(source)): source[next(iter(source))]["name"] for source in web["envFrom"]}
    config = app_settings(documents)
    assert sources == {"configMapRef": config["metadata"]["name"], "secretRef": values["existingSecret"]}
    script = " ".join(migrate["command"])
    shared = script.index("migrate_schemas --shared")
    tenant = script.index("migrate_councils")  # only the councils behind the code, then the template (issue 13)
    assert shared < tenant
    assert "--executor=multiprocessing" in script[tenant:]
    assert pod_spec(job)["restartPolicy"] == "Never"


def test_beat_is_exactly_one_replica_never_two_at_once(rendered):
    _, documents = rendered
    beat = named(documents, "Deployment", "beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert not [hpa for hpa in of_kind(documents, "HorizontalPodAutoscaler") if "beat" in hpa["metadata"]["name"]]


# --- secrets only by reference ------------------------------------------------------


def test_no_secret_is_rendered_and_the_configmap_holds_nothing_secret(rendered):
    values, documents = rendered
    assert of_kind(documents, "Secret") == []
    config = app_settings(documents)
    for name, value in config["data"].items():
        assert not SECRET_NAME.search(name), name
        assert not URL_WITH_CREDENTIALS.search(value), name
    for key in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
        assert key not in config["data"]
    assert config["data"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    for workload in (document for document in documents if document["kind"] in WORKLOAD_KINDS):
        for container in containers(workload):
            assert {"secretRef": {"name": values["existingSecret"]}} in container["envFrom"]
            for variable in container.get("env", []):
                assert "value" not in variable or not SECRET_NAME.search(variable["name"]), variable


# --- network policy -----------------------------------------------------------------


def test_network_policy_admits_only_the_ingress_controller_and_limits_egress(production):
    values, documents = production
    policies = {policy["metadata"]["name"]: policy for policy in of_kind(documents, "NetworkPolicy")}
    web_policy = policies[f"{RELEASE}-web"]["spec"]
    (rule,) = web_policy["ingress"]
    assert rule["from"] == [values["networkPolicy"]["ingressController"]]
    assert rule["ports"] == [{"protocol": "TCP", "port": "http"}]
    everything = policies[RELEASE]["spec"]
    assert everything["policyTypes"] == ["Ingress", "Egress"]
    assert everything["ingress"] == []
    ports = {(port["protocol"], port["port"]) for egress in everything["egress"] for port in egress["ports"]}
    assert ports == {("UDP", 53), ("TCP", 53), ("TCP", 5432), ("TCP", 6379), ("TCP", 443)}
    database = next(egress for egress in everything["egress"] if egress["ports"][0]["port"] == 5432)
    database_cidrs = values["networkPolicy"]["egress"]["postgresql"]["cidrs"]
    assert [peer["ipBlock"]["cidr"] for peer in database["to"]] == database_cidrs


# --- labels ---------------------------------------------------------------------------


def test_standard_labels_on_everything_and_selectors_match_their_pods(rendered):
    _, documents = rendered
    for document in documents:
        labels = document["metadata"]["labels"]
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by"):
            assert labels.get(key), (document["kind"], key)
        assert labels["app.kubernetes.io/version"]
        assert labels["helm.sh/chart"].startswith("send-portal-")
    for deployment in of_kind(documents, "Deployment"):
        selector = deployment["spec"]["selector"]["matchLabels"]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= pod_labels.items()
        assert "checksum/config" in deployment["spec"]["template"]["metadata"]["annotations"]


# --- values.schema.json refuses bad values ------------------------------------------


def test_values_schema_is_draft_07_and_describes_both_values_files():
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    for name in VALUES_FILES:
        with helm.Chart.load(CHART) as chart:
            jsonschema.Draft7Validator(schema).validate(chart.merge_values(values_from(name)))


BAD_VALUES = {
    "a council without a host": {"councils": [{"slug": "cumbria"}]},
    "replicas as words": {"web": {"replicas": "two"}},
    "a host with a scheme": {"platformHost": "https://platform.example.org"},
    "a secret in the ConfigMap": {"config": {"extra": {"DJANGO_SECRET_KEY": "not-here"}}},
    "a writable root filesystem": {"securityContext": {"readOnlyRootFilesystem": False}},
    "no existing secret": {"existingSecret": ""},
    "an unknown key": {"replicaCount": 3},
    "a clamd sidecar on beat": {"clamav": {"components": ["beat"]}},
}


@pytest.mark.parametrize("bad", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_lint_and_template_refuse_values_the_schema_forbids(bad):
    report = helm.lint(CHART, bad, strict=True)
    assert report["errors"], bad
    with pytest.raises(helm.HelmValuesError):
        render(bad)


def test_template_refuses_a_host_used_twice():
    councils = [{"slug": "cumbria", "host": "send.example.org"}, {"slug": "somerset", "host": "send.example.org"}]
    with pytest.raises(helm.HelmRenderError, match="appears more than once"):
        render({"councils": councils})


@pytest.mark.parametrize("mode", ["transaction", "statement"])
def test_template_refuses_a_pooler_in_transaction_or_statement_mode(mode):
    with pytest.raises(helm.HelmRenderError, match=f"{mode} pooling is refused.*pool_mode = session"):
        render({"config": {"databasePoolMode": mode}})


def test_the_pool_mode_reaches_the_app(rendered):
    _, documents = rendered
    config = app_settings(documents)
    assert config["data"]["DATABASE_POOL_MODE"] == "session"


def test_template_refuses_overriding_a_setting_the_chart_derives():
    with pytest.raises(helm.HelmRenderError, match="DJANGO_ALLOWED_HOSTS"):
        render({"config": {"extra": {"DJANGO_ALLOWED_HOSTS": "*"}}})


# --- virus scanning: the clamd sidecar ------------------------------------------------


def test_web_and_worker_pods_have_a_clamd_sidecar_their_app_reaches_on_localhost(rendered):
    values, documents = rendered
    clamav = values["clamav"]
    for component in ("web", "worker"):
        workload = named(documents, "Deployment", component)
        sidecar = clamd_sidecar(workload)
        assert sidecar is not None, component
        assert sidecar["restartPolicy"] == "Always"  # a native sidecar: up before the app, down after it
        assert sidecar["image"] == f"{clamav['image']['repository']}:{clamav['image']['tag']}"
        assert sidecar["ports"] == [{"name": "clamd", "containerPort": clamav["port"], "protocol": "TCP"}]
        assert sidecar["startupProbe"]["tcpSocket"] == {"port": "clamd"}
        assert sidecar["livenessProbe"]["tcpSocket"] == {"port": "clamd"}
        assert "envFrom" not in sidecar  # none of the app's secrets
        (app,) = pod_spec(workload)["containers"]
        env = {variable["name"]: variable.get("value") for variable in app["env"]}
        assert env["CLAMD_HOST"] == "127.0.0.1"
        assert env["CLAMD_PORT"] == str(clamav["port"])
        volumes = {volume["name"]: volume for volume in pod_spec(workload)["volumes"]}
        mounted = {mount["mountPath"]: mount["name"] for mount in sidecar["volumeMounts"]}
        for path in ("/var/lib/clamav", "/run/clamav", "/tmp"):  # noqa: S108 - mount paths
            assert "emptyDir" in volumes[mounted[path]], (component, path)
    beat = named(documents, "Deployment", "beat")
    assert clamd_sidecar(beat) is None  # beat scans nothing
    assert "CLAMD_HOST" not in {variable["name"] for variable in pod_spec(beat)["containers"][0].get("env", [])}


def _megabytes(size: str) -> float:
    number, unit = (size[:-1], size[-1]) if size[-1] in "MK" else (size, "")
    return int(number) / {"M": 1, "K": 1024, "": 1024 * 1024}[unit]


def test_clamd_takes_the_largest_upload_the_platform_accepts(rendered):
    """clamd's default stream limit is 25 MB: a larger upload would be refused by the
    scanner and wait "being checked" for ever. The sidecars read the chart's clamd.conf."""
    from casework.file_checks import DOCUMENT_MAX_BYTES
    from tenants.models import Council

    largest_family_mb = max(
        v.limit_value for v in Council._meta.get_field("family_upload_max_mb").validators if hasattr(v, "limit_value")
    )
    largest = max(largest_family_mb, DOCUMENT_MAX_BYTES / (1024 * 1024))
    _, documents = rendered
    (conf,) = [d for d in of_kind(documents, "ConfigMap") if "clamd.conf" in d["data"]]
    lines = dict(line.split(" ", 1) for line in conf["data"]["clamd.conf"].splitlines())
    assert _megabytes(lines["StreamMaxLength"]) > largest and _megabytes(lines["MaxFileSize"]) > largest
    assert lines["TCPSocket"] == "3310" and lines["DatabaseDirectory"] == "/var/lib/clamav"
    for component in ("web", "worker"):
        workload = named(documents, "Deployment", component)
        (mount,) = [m for m in clamd_sidecar(workload)["volumeMounts"] if m["mountPath"] == "/etc/clamav/clamd.conf"]
        volumes = {volume["name"]: volume for volume in pod_spec(workload)["volumes"]}
        assert volumes[mount["name"]]["configMap"]["name"] == conf["metadata"]["name"]
    local = (ROOT / "platform" / "clamd-local").read_text()
    assert _megabytes(re.search(r"^StreamMaxLength (\S+)$", local, re.M)[1]) > largest  # make test's and make run's


def test_the_ingress_lets_the_largest_upload_through(rendered):
    """ingress-nginx's default body limit is 1 MB."""
    from casework.file_checks import DOCUMENT_MAX_BYTES

    _, documents = rendered
    (ingress,) = of_kind(documents, "Ingress")
    limit = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert limit.endswith("m") and int(limit[:-1]) * 1024 * 1024 > DOCUMENT_MAX_BYTES


def test_the_clamd_sidecar_runs_restricted_with_resources(rendered):
    _, documents = rendered
    for component in ("web", "worker"):
        sidecar = clamd_sidecar(named(documents, "Deployment", component))
        security = sidecar["securityContext"]
        assert security["runAsNonRoot"] is True
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert {"cpu", "memory"} <= set(sidecar["resources"]["requests"])
        assert {"cpu", "memory"} <= set(sidecar["resources"]["limits"])


def test_the_sidecar_can_be_limited_to_the_worker_or_turned_off():
    worker_only = render({"clamav": {"components": ["worker"]}})
    assert clamd_sidecar(named(worker_only, "Deployment", "web")) is None
    assert clamd_sidecar(named(worker_only, "Deployment", "worker")) is not None
    (web,) = pod_spec(named(worker_only, "Deployment", "web"))["containers"]
    assert "CLAMD_HOST" not in {variable["name"] for variable in web["env"]}

    off = render({"clamav": {"enabled": False}})
    for component in ("web", "worker"):
        assert clamd_sidecar(named(off, "Deployment", component)) is None
        volumes = {volume["name"] for volume in pod_spec(named(off, "Deployment", component))["volumes"]}
        assert "clamav-database" not in volumes
