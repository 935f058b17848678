package dev.stoker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structural checks of rendered Kubernetes resources (see {@link KubernetesManifests}) against what
 * the stoker command in each container is told: the problems found, one readable line each, none
 * for manifests that fit together. A node ({@code serve}) must expose {@code --port} as the
 * container port {@code data} and {@code --admin-port} as {@code admin}, answer its probes there
 * ({@code /readyz}, {@code /healthz}), be scraped there ({@code /metrics}), get more termination
 * grace than {@code --drain-grace}, CPUs equal to {@code --workers}; every file it is given lies in
 * a mounted volume, every Secret it uses is one of {@code secrets/*.example.yaml} with those keys;
 * a trainer's {@code --remote dns:} names a headless Service, its namespace and port.
 *
 * <pre>{@code
 * List<String> problems = new ManifestChecks(secrets, services).problems(resources);
 * }</pre>
 */
final class ManifestChecks {
  /** The kinds these manifests may use, and the apiVersion of each. */
  static final Map<String, String> API_VERSIONS = Map.of("Namespace", "v1", "Service", "v1",
      "PersistentVolumeClaim", "v1", "Secret", "v1", "StatefulSet", "apps/v1", "Deployment", "apps/v1",
      "Job", "batch/v1", "PodDisruptionBudget", "policy/v1", "Kustomization", "kustomize.config.k8s.io/v1beta1");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_REMOTE = Pattern.compile("dns:([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local:(\\d+)");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Set<String> FILE_OPTIONS = Set.of("--tls-cert", "--tls-key", "--token-file", "--tls-trust", "--data");
  private static final int MODE_0400 = 0400;

  private final Map<String, Set<String>> secrets;
  private final List<ObjectNode> services;
  private final List<String> problems = new ArrayList<>();

  /**
   * @param secrets the Secrets a deployment has: name to its keys
   * @param services the Services a trainer's {@code --remote dns:} may name (the nodes' rendering)
   */
  ManifestChecks(Map<String, Set<String>> secrets, List<ObjectNode> services) {
    this.secrets = secrets;
    this.services = services;
  }

  /** The problems of {@code resources}, one rendered kustomization. */
  List<String> problems(List<ObjectNode> resources) {
    problems.clear();
    for (ObjectNode r : resources) {
      String where = r.path("kind").asText() + " " + r.path("metadata").path("name").asText();
      kindAndName(where, r);
      KubernetesManifests.podSpec(r).ifPresent(spec -> workload(where, r, spec, resources));
      if (r.path("kind").asText().equals("Service")) {
        service(where, r, resources);
      }
      if (r.path("kind").asText().equals("PodDisruptionBudget")
          && resources.stream().noneMatch(w -> selects(r.path("spec").path("selector").path("matchLabels"), w))) {
        problems.add(where + ": its selector matches no pod template");
      }
    }
    return List.copyOf(problems);
  }

  private void kindAndName(String where, JsonNode r) {
    String expected = API_VERSIONS.get(r.path("kind").asText());
    if (expected == null || !expected.equals(r.path("apiVersion").asText())) {
      problems.add(where + ": apiVersion " + r.path("apiVersion").asText() + " for kind " + r.path("kind").asText()
          + " (expected " + expected + ")");
    }
    if (!DNS_LABEL.matcher(r.path("metadata").path("name").asText()).matches()) {
      problems.add(where + ": metadata.name is not a DNS label");
    }
  }

  private void service(String where, JsonNode service, List<ObjectNode> resources) {
    JsonNode selector = service.path("spec").path("selector");
    List<ObjectNode> selected = resources.stream().filter(w -> selects(selector, w)).toList();
    if (selected.isEmpty()) {
      problems.add(where + ": its selector " + selector + " matches no pod template");
    }
    for (ObjectNode workload : selected) {
      JsonNode container = workload.path("spec").path("template").path("spec").path("containers").path(0);
      for (JsonNode port : service.path("spec").path("ports")) {
        int target = containerPort(container, port.path("targetPort"));
        int serving = intOption(args(container), "--port");
        if (target != serving) {
          problems.add(where + ": port " + port.path("port").asInt() + " targets container port " + target
              + ", the node listens on --port " + serving);
        }
      }
    }
  }

  /** Whether the label {@code selector} (non-empty) selects the pod template of {@code workload}. */
  static boolean selects(JsonNode selector, JsonNode workload) {
    JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
    if (!selector.isObject() || selector.isEmpty() || !labels.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : selector.properties()) {
      if (!labels.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  private void workload(String where, JsonNode r, JsonNode spec, List<ObjectNode> resources) {
    JsonNode matchLabels = r.path("spec").path("selector").path("matchLabels");
    if (!r.path("kind").asText().equals("Job") && !selects(matchLabels, r)) {
      problems.add(where + ": spec.selector " + matchLabels + " does not match the pod labels "
          + r.path("spec").path("template").path("metadata").path("labels"));
    }
    if (r.path("kind").asText().equals("StatefulSet")) {
      String serviceName = r.path("spec").path("serviceName").asText();
      boolean headless = resources.stream().anyMatch(s -> s.path("kind").asText().equals("Service")
          && s.path("metadata").path("name").asText().equals(serviceName)
          && s.path("spec").path("clusterIP").asText().equals("None") && selects(s.path("spec").path("selector"), r));
      if (!headless) {
        problems.add(where + ": serviceName " + serviceName + " is not a headless Service selecting its pods");
      }
    }
    for (JsonNode c : spec.path("topologySpreadConstraints")) {
      if (!selects(c.path("labelSelector").path("matchLabels"), r)) {
        problems.add(where + ": a topologySpreadConstraint's labelSelector does not match its pods");
      }
    }
    JsonNode pod = spec.path("securityContext");
    if (!pod.path("runAsNonRoot").asBoolean() || pod.path("runAsUser").asInt(0) == 0) {
      problems.add(where + ": the pod must run as a non-root user (runAsNonRoot, runAsUser)");
    }
    Set<String> mounted = new HashSet<>();
    for (JsonNode container : spec.path("containers")) {
      String at = where + " container " + container.path("name").asText();
      container.path("volumeMounts").forEach(m -> mounted.add(m.path("name").asText()));
      container(at, r, spec, container);
    }
    for (JsonNode volume : spec.path("volumes")) {
      if (!mounted.contains(volume.path("name").asText())) {
        problems.add(where + ": volume " + volume.path("name").asText() + " is mounted by no container");
      }
      if (volume.has("persistentVolumeClaim")) {
        String claim = volume.path("persistentVolumeClaim").path("claimName").asText();
        if (resources.stream().noneMatch(p -> p.path("kind").asText().equals("PersistentVolumeClaim")
            && p.path("metadata").path("name").asText().equals(claim))) {
          problems.add(where + ": volume " + volume.path("name").asText() + " claims " + claim + ", which is not defined");
        }
        if (!volume.path("persistentVolumeClaim").path("readOnly").asBoolean()) {
          problems.add(where + ": the dataset claim " + claim + " must be readOnly");
        }
      }
      if (volume.has("secret")) {
        JsonNode secret = volume.path("secret");
        Set<String> keys = secrets.get(secret.path("secretName").asText());
        if (keys == null) {
          problems.add(where + ": volume " + volume.path("name").asText() + " uses Secret "
              + secret.path("secretName").asText() + ", which no secrets/*.example.yaml defines");
        } else {
          secret.path("items").forEach(item -> {
            if (!keys.contains(item.path("key").asText())) {
              problems.add(where + ": Secret " + secret.path("secretName").asText() + " has no key " + item.path("key").asText());
            }
          });
        }
        if (secret.path("defaultMode").asInt(-1) != MODE_0400) {
          problems.add(where + ": Secret volume " + volume.path("name").asText() + " must have defaultMode 0400");
        }
      }
    }
  }

  private void container(String at, JsonNode r, JsonNode spec, JsonNode container) {
    if (container.has("command")) {
      problems.add(at + ": sets command; the image's entrypoint is the stoker command, give args only");
    }
    JsonNode sc = container.path("securityContext");
    if (!sc.path("readOnlyRootFilesystem").asBoolean() || sc.path("allowPrivilegeEscalation").asBoolean(true)) {
      problems.add(at + ": needs readOnlyRootFilesystem: true and allowPrivilegeEscalation: false");
    }
    for (JsonNode m : container.path("volumeMounts")) {
      JsonNode volume = volume(spec, m.path("name").asText());
      if (volume == null) {
        problems.add(at + ": mounts volume " + m.path("name").asText() + ", which the pod does not define");
      } else if ((volume.has("secret") || volume.has("persistentVolumeClaim")) && !m.path("readOnly").asBoolean()) {
        problems.add(at + ": mount of " + m.path("name").asText() + " must be readOnly");
      }
    }
    for (JsonNode env : container.path("env")) {
      JsonNode ref = env.path("valueFrom").path("secretKeyRef");
      if (ref.isObject() && !secrets.getOrDefault(ref.path("name").asText(), Set.of()).contains(ref.path("key").asText())) {
        problems.add(at + ": env " + env.path("name").asText() + " reads Secret " + ref.path("name").asText() + " key "
            + ref.path("key").asText() + ", which no secrets/*.example.yaml defines");
      }
    }
    List<String> args = args(container);
    for (int i = 0; i + 1 < args.size(); i++) {
      if (FILE_OPTIONS.contains(args.get(i)) && !args.get(i + 1).contains("://")) {
        file(at, spec, container, args.get(i), args.get(i + 1));
      }
    }
    if (!args.isEmpty() && args.getFirst().equals("serve")) {
      node(at, r, container, args);
    }
    int remote = args.indexOf("--remote");
    if (remote >= 0 && remote + 1 < args.size()) {
      trainer(at, r, args, args.get(remote + 1));
    }
  }

  /** A file option's path must lie in a mounted volume, and be one of a Secret volume's items. */
  private void file(String at, JsonNode spec, JsonNode container, String option, String path) {
    for (JsonNode m : container.path("volumeMounts")) {
      String mountPath = m.path("mountPath").asText();
      if (path.startsWith(mountPath + "/")) {
        JsonNode volume = volume(spec, m.path("name").asText());
        JsonNode items = volume == null ? null : volume.path("secret").path("items");
        String inside = path.substring(mountPath.length() + 1);
        if (items != null && items.isArray() && !items.isEmpty()
            && items.valueStream().noneMatch(item -> item.path("path").asText().equals(inside))) {
          problems.add(at + ": " + option + " " + path + " is not an item of the Secret volume mounted at " + mountPath);
        }
        return;
      }
    }
    problems.add(at + ": " + option + " " + path + " lies in no mounted volume");
  }

  private void node(String at, JsonNode r, JsonNode container, List<String> args) {
    int port = intOption(args, "--port");
    int admin = intOption(args, "--admin-port");
    if (containerPort(container, text("data")) != port) {
      problems.add(at + ": container port 'data' is not --port " + port);
    }
    if (containerPort(container, text("admin")) != admin) {
      problems.add(at + ": container port 'admin' is not --admin-port " + admin);
    }
    if (!"0.0.0.0".equals(option(args, "--bind")) || !"0.0.0.0".equals(option(args, "--admin-bind"))) {
      problems.add(at + ": --bind and --admin-bind must be 0.0.0.0 for other pods and the kubelet to reach them");
    }
    probe(at, container, "readinessProbe", "/readyz", admin);
    probe(at, container, "livenessProbe", "/healthz", admin);
    JsonNode annotations = r.path("spec").path("template").path("metadata").path("annotations");
    if (!annotations.path("prometheus.io/scrape").asText().equals("true")
        || annotations.path("prometheus.io/port").asInt(-1) != admin
        || !annotations.path("prometheus.io/path").asText().equals("/metrics")) {
      problems.add(at + ": the prometheus.io annotations must scrape /metrics on --admin-port " + admin);
    }
    long graceMillis = millis(option(args, "--drain-grace"));
    long terminationMillis = r.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong(30) * 1000;
    if (terminationMillis <= graceMillis) {
      problems.add(at + ": terminationGracePeriodSeconds (" + terminationMillis / 1000 + ") must be longer than --drain-grace "
          + option(args, "--drain-grace"));
    }
    JsonNode resources = container.path("resources");
    int workers = intOption(args, "--workers");
    if (milliCpu(resources.path("requests").path("cpu").asText()) != workers * 1000L
        || milliCpu(resources.path("limits").path("cpu").asText()) != workers * 1000L) {
      problems.add(at + ": CPU requests and limits must equal --workers " + workers);
    }
    if (resources.path("requests").path("memory").isMissingNode() || resources.path("limits").path("memory").isMissingNode()) {
      problems.add(at + ": memory requests and limits are missing");
    }
    if (!args.contains("--tls-cert") || !args.contains("--token-file")) {
      problems.add(at + ": a node off loopback needs --tls-cert/--tls-key and --token-file");
    }
  }

  private void probe(String at, JsonNode container, String name, String path, int admin) {
    JsonNode get = container.path(name).path("httpGet");
    if (!get.path("path").asText().equals(path) || containerPort(container, get.path("port")) != admin) {
      problems.add(at + ": " + name + " must GET " + path + " on --admin-port " + admin + ", not " + get.path("path").asText()
          + " on " + get.path("port").asText());
    }
  }

  private void trainer(String at, JsonNode r, List<String> args, String remote) {
    Matcher m = DNS_REMOTE.matcher(remote);
    if (!m.matches()) {
      problems.add(at + ": --remote " + remote + " is not dns:SERVICE.NAMESPACE.svc.cluster.local:PORT");
      return;
    }
    boolean found = services.stream().anyMatch(s -> s.path("kind").asText().equals("Service")
        && s.path("metadata").path("name").asText().equals(m.group(1))
        && s.path("metadata").path("namespace").asText().equals(m.group(2))
        && s.path("spec").path("clusterIP").asText().equals("None")
        && s.path("spec").path("ports").valueStream().anyMatch(p -> p.path("port").asInt() == Integer.parseInt(m.group(3))));
    if (!found) {
      problems.add(at + ": --remote " + remote + " names no headless Service with that namespace and port");
    }
    if (!m.group(2).equals(r.path("metadata").path("namespace").asText())) {
      problems.add(at + ": --remote names namespace " + m.group(2) + ", the trainer runs in "
          + r.path("metadata").path("namespace").asText());
    }
    if (!args.contains("--tls") || !args.contains("--token-file")) {
      problems.add(at + ": a trainer reaching nodes off loopback needs --tls and --token-file");
    }
  }

  private static JsonNode volume(JsonNode spec, String name) {
    return spec.path("volumes").valueStream().filter(v -> v.path("name").asText().equals(name)).findFirst().orElse(null);
  }

  /** The container port a probe or Service port names (a port name or a number); -1 if none. */
  private static int containerPort(JsonNode container, JsonNode ref) {
    if (ref.isInt() || ref.asText().matches("\\d+")) {
      return ref.asInt();
    }
    return container.path("ports").valueStream().filter(p -> p.path("name").asText().equals(ref.asText()))
        .mapToInt(p -> p.path("containerPort").asInt()).findFirst().orElse(-1);
  }

  private static JsonNode text(String value) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(value);
  }

  static List<String> args(JsonNode container) {
    return container.path("args").valueStream().map(JsonNode::asText).toList();
  }

  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
  }

  private static int intOption(List<String> args, String name) {
    String value = option(args, name);
    return value != null && value.matches("\\d{1,5}") ? Integer.parseInt(value) : -1;
  }

  /** Milliseconds of a duration as the CLI writes them (500ms, 30s, 2m, 1h); -1 if none; Long.MAX_VALUE if unreadable. */
  static long millis(String duration) {
    if (duration == null) {
      return -1;
    }
    Matcher m = DURATION.matcher(duration);
    if (!m.matches()) {
      return Long.MAX_VALUE;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> n;
      case "s" -> n * 1000;
      case "m" -> n * 60_000;
      default -> n * 3_600_000;
    };
  }

  /** Millicores of a CPU quantity ("4", "500m", "1.5"); -1 if unreadable. */
  static long milliCpu(String quantity) {
    try {
      return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
          : Math.round(Double.parseDouble(quantity) * 1000);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
