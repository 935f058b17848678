package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code deploy/kubernetes} and {@code deploy/image/Dockerfile} fit together and fit the command
 * they run: every YAML document parses with a known apiVersion/kind, each kustomization renders
 * ({@link KubernetesManifests}) to resources without a {@link ManifestChecks} problem, and every
 * stoker command line in them parses with picocli against the real {@link StokerCli} (a dry run:
 * parsed, never run); the Jib image runs the command as the launchers do. Beside each check, a broken copy of a manifest that it must report.
 */
class KubernetesManifestsTest {
  private static final Path ROOT = KubernetesManifests.ROOT;
  private static final Path DOCKERFILE = Path.of("..", "deploy", "image", "Dockerfile");
  private static final Path POM = Path.of("pom.xml");
  private static final Path JVM_OPTIONS = Path.of("..", "distribution", "src", "main", "launcher", "jvm.options");
  private static final String NODES = "StatefulSet";

  @Test
  void documents_everyFile_hasAKnownApiVersionKindAndName() {
    List<KubernetesManifests.Document> documents = KubernetesManifests.documents(ROOT);
    assertThat(documents).hasSizeGreaterThan(10);
    for (KubernetesManifests.Document d : documents) {
      String expected = ManifestChecks.API_VERSIONS.get(d.kind());
      assertThat(d.node().path("apiVersion").asText()).as(d.toString()).isEqualTo(expected);
      if (!d.kind().equals("Kustomization")) {
        assertThat(d.name()).as(d + ": metadata.name").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
      }
    }
  }

  @Test
  void kustomizations_everyManifestFile_isAResourceOrPatchOfOne() throws IOException {
    Set<Path> used = new HashSet<>();
    List<Path> kustomizations;
    try (Stream<Path> walk = Files.walk(ROOT)) {
      kustomizations = walk.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList();
    }
    for (Path k : kustomizations) {
      JsonNode node = KubernetesManifests.read(k).getFirst();
      node.path("resources").forEach(r -> used.add(k.getParent().resolve(r.asText()).normalize()));
      node.path("patches").forEach(p -> used.add(k.getParent().resolve(p.path("path").asText()).normalize()));
    }
    for (KubernetesManifests.Document d : KubernetesManifests.documents(ROOT)) {
      Path file = d.file().normalize();
      boolean example = file.startsWith(ROOT.resolve("secrets").normalize());
      if (!d.kind().equals("Kustomization") && !example) {
        assertThat(used).as(d + " is applied by no kustomization").contains(file);
      }
    }
  }

  @Test
  void nodes_datasetOnAVolume_fitTogether() {
    List<ObjectNode> resources = KubernetesManifests.render(ROOT);
    assertThat(kinds(resources)).contains("Namespace", "Service", NODES, "PersistentVolumeClaim", "PodDisruptionBudget");
    assertThat(checks().problems(resources)).isEmpty();
  }

  @Test
  void nodes_datasetOnS3_fitTogether() {
    List<ObjectNode> resources = KubernetesManifests.render(ROOT.resolve("s3"));
    assertThat(checks().problems(resources)).isEmpty();
    assertThat(kinds(resources)).doesNotContain("PersistentVolumeClaim");
    ObjectNode nodes = only(resources, NODES);
    JsonNode container = nodes.at("/spec/template/spec/containers/0");
    List<String> args = ManifestChecks.args(container);
    assertThat(args.get(args.indexOf("--data") + 1)).startsWith("s3://");
    assertThat(nodes.at("/spec/template/spec/volumes").valueStream().map(v -> v.path("name").asText()))
        .doesNotContain("dataset");
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    assertThat(env.keySet()).contains("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3");
    assertThat(env.get("AWS_SECRET_ACCESS_KEY").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("stoker-s3");
    assertThat(env.get("AWS_ENDPOINT_URL_S3").at("/valueFrom/secretKeyRef/optional").asBoolean()).isTrue();
  }

  @Test
  void trainer_reachesTheNodesByServiceName() {
    List<ObjectNode> resources = KubernetesManifests.render(ROOT.resolve("trainer"));
    assertThat(kinds(resources)).containsExactly("Job");
    assertThat(checks().problems(resources)).isEmpty();
    List<String> args = ManifestChecks.args(resources.getFirst().at("/spec/template/spec/containers/0"));
    assertThat(args).contains("--remote", "dns:stoker-nodes.stoker.svc.cluster.local:7311");
  }

  @Test
  void problems_probeOnAnotherPort_reported() {
    assertThat(broken(ROOT, NODES, n -> ((ObjectNode) n.at("/spec/template/spec/containers/0/readinessProbe/httpGet"))
        .put("port", 9090))).anyMatch(p -> p.contains("readinessProbe must GET /readyz on --admin-port 8080"));
    assertThat(broken(ROOT, NODES, n -> ((ObjectNode) n.at("/spec/template/spec/containers/0/livenessProbe/httpGet"))
        .put("path", "/readyz"))).anyMatch(p -> p.contains("livenessProbe must GET /healthz"));
  }

  @Test
  void problems_selectorNotMatchingThePods_reported() {
    assertThat(broken(ROOT, NODES, n -> ((ObjectNode) n.at("/spec/selector/matchLabels"))
        .put("app.kubernetes.io/component", "nodes"))).anyMatch(p -> p.contains("does not match the pod labels"));
    assertThat(broken(ROOT, "Service", s -> ((ObjectNode) s.at("/spec/selector")).put("app.kubernetes.io/name", "other")))
        .anyMatch(p -> p.contains("matches no pod template"));
  }

  @Test
  void problems_terminationGraceNotLongerThanTheDrain_reported() {
    assertThat(broken(ROOT, NODES, n -> ((ObjectNode) n.at("/spec/template/spec")).put("terminationGracePeriodSeconds", 30)))
        .anyMatch(p -> p.contains("terminationGracePeriodSeconds (30) must be longer than --drain-grace 30s"));
  }

  @Test
  void problems_undefinedSecretOrUnmountedFile_reported() {
    assertThat(broken(ROOT, NODES, n -> ((ObjectNode) n.at("/spec/template/spec/volumes/1/secret")).put("secretName", "nope")))
        .anyMatch(p -> p.contains("uses Secret nope, which no secrets/*.example.yaml defines"));
    assertThat(broken(ROOT, NODES, n -> setArg(n, "--token-file", "/etc/stoker/secret/token")))
        .anyMatch(p -> p.contains("--token-file /etc/stoker/secret/token lies in no mounted volume"));
    assertThat(broken(ROOT, NODES, n -> ((ObjectNode) n.at("/spec/template/spec/volumes/0/persistentVolumeClaim"))
        .put("readOnly", false))).anyMatch(p -> p.contains("must be readOnly"));
  }

  @Test
  void problems_cpuNotWorkersOrAdminPortNotExposed_reported() {
    assertThat(broken(ROOT, NODES, n -> setArg(n, "--workers", "8"))).anyMatch(p -> p.contains("must equal --workers 8"));
    assertThat(broken(ROOT, NODES, n -> setArg(n, "--admin-port", "9090")))
        .anyMatch(p -> p.contains("container port 'admin' is not --admin-port 9090"));
  }

  @Test
  void problems_trainerRemoteToAnotherServiceOrPort_reported() {
    assertThat(broken(ROOT.resolve("trainer"), "Job", j -> setArg(j, "--remote", "dns:stoker-nodes.stoker.svc.cluster.local:7312")))
        .anyMatch(p -> p.contains("names no headless Service"));
    assertThat(broken(ROOT.resolve("trainer"), "Job", j -> setArg(j, "--remote", "stoker-nodes:7311")))
        .anyMatch(p -> p.contains("is not dns:SERVICE.NAMESPACE.svc.cluster.local:PORT"));
  }

  /** Every stoker command line of the manifests and the image, parsed by the real command spec (never run). */
  @TestFactory
  Stream<DynamicTest> commandLines_everyOne_parsesWithTheStokerCli() throws Exception {
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (Path dir : List.of(ROOT, ROOT.resolve("s3"), ROOT.resolve("trainer"))) {
      for (ObjectNode container : KubernetesManifests.containers(KubernetesManifests.render(dir))) {
        lines.put(ROOT.relativize(dir) + "/" + container.path("name").asText(), ManifestChecks.args(container));
      }
    }
    lines.put("Dockerfile CMD", dockerfile("CMD"));
    lines.put("Jib args", jib("args"));
    assertThat(lines).hasSize(5);
    return lines.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey() + ": " + String.join(" ", e.getValue()),
        () -> assertThatCode(() -> dryRun(e.getValue(), !e.getKey().matches("Dockerfile.*|Jib.*"))).as(e.getKey())
            .doesNotThrowAnyException()));
  }

  @Test
  void dryRun_unknownOptionOrBadValue_refused() {
    assertThatCode(() -> dryRun(List.of("serve", "--data", "/d", "--port", "7311", "--no-such-option"), true))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThatCode(() -> dryRun(List.of("serve", "--data", "/d", "--port", "seven"), true))
        .isInstanceOf(CommandLine.ParameterException.class);
  }

  @Test
  void dockerfile_runsTheLauncherOfTheArchive_asANonRootUser() throws IOException {
    assertThat(dockerfile("ENTRYPOINT")).containsExactly("/opt/stoker/bin/stoker");
    String text = Files.readString(DOCKERFILE);
    assertThat(text).contains("ADD stoker-${VERSION}-bin.tar.gz /opt/").contains("USER 10001:10001");
    Matcher version = Pattern.compile("(?m)^ARG VERSION=(\\S+)$").matcher(text);
    assertThat(version.find()).as("ARG VERSION").isTrue();
    assertThat(version.group(1)).isEqualTo(StokerVersion.version());
    for (ObjectNode container : KubernetesManifests.containers(KubernetesManifests.render(ROOT))) {
      assertThat(container.path("image").asText()).isEqualTo("stoker:" + StokerVersion.version());
      assertThat(container.at("/securityContext/runAsUser").isMissingNode()).isTrue();
    }
  }

  @Test
  void jibImage_entrypoint_isTheLaunchersJvmOptionsOnTheModulePath() throws Exception {
    List<String> expected = new ArrayList<>(List.of("/opt/java/openjdk/bin/java"));
    for (String line : Files.readAllLines(JVM_OPTIONS)) {
      if (!line.isBlank() && !line.strip().startsWith("#")) {
        for (String word : line.strip().split("\\s+")) {
          expected.add(word.replace("@JCUDA_NATIVES@", "/opt/stoker/libs/jcuda-natives-${jcuda.version}-linux-x86_64.jar"));
        }
      }
    }
    expected.addAll(List.of("--module-path", "/opt/stoker/classpath/stoker-cli.jar:/opt/stoker/libs",
        "-m", "dev.stoker.cli/dev.stoker.cli.StokerCli"));
    assertThat(jib("entrypoint")).containsExactlyElementsOf(expected);
  }

  /** The {@code arg}s of {@code container/<element>} in the Jib plugin of loader-cli's profile "image". */
  private static List<String> jib(String element) throws Exception {
    var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    org.w3c.dom.Document pom = factory.newDocumentBuilder().parse(POM.toFile());
    var xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
    var nodes = (org.w3c.dom.NodeList) xpath.evaluate("//*[local-name()='profile'][*[local-name()='id']='image']"
        + "//*[local-name()='plugin'][*[local-name()='artifactId']='jib-maven-plugin']//*[local-name()='container']/*[local-name()='"
        + element + "']/*[local-name()='arg']", pom, javax.xml.xpath.XPathConstants.NODESET);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      values.add(nodes.item(i).getTextContent().strip());
    }
    assertThat(values).as("Jib container " + element + " in " + POM).isNotEmpty();
    return values;
  }

  /**
   * Parses {@code args} as {@code stoker} would (the same CommandLine settings as StokerCli.run), without running it;
   * with {@code subcommand}, a line that names no subcommand is refused.
   */
  static ParseResult dryRun(List<String> args, boolean subcommand) {
    CommandLine cli = new CommandLine(new StokerCli()).setCaseInsensitiveEnumValuesAllowed(true).setExpandAtFiles(false);
    ParseResult result = cli.parseArgs(args.toArray(String[]::new));
    if (subcommand && !result.hasSubcommand()) {
      throw new IllegalArgumentException("no subcommand in " + args);
    }
    return result;
  }

  /** The JSON-array form of a Dockerfile instruction, e.g. ENTRYPOINT ["/opt/stoker/bin/stoker"]. */
  private static List<String> dockerfile(String instruction) throws IOException {
    Matcher m = Pattern.compile("(?m)^" + instruction + " (\\[.*])$").matcher(Files.readString(DOCKERFILE));
    assertThat(m.find()).as(instruction + " in JSON form in " + DOCKERFILE).isTrue();
    List<String> values = new ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.group(1)).forEach(v -> values.add(v.asText()));
    return values;
  }

  /** The problems of {@code dir}'s rendering with the first {@code kind} changed by {@code change}. */
  private static List<String> broken(Path dir, String kind, Consumer<ObjectNode> change) {
    List<ObjectNode> resources = KubernetesManifests.render(dir);
    assertThat(checks().problems(resources)).as("before the change").isEmpty();
    change.accept(only(resources, kind));
    List<String> problems = checks().problems(resources);
    assertThat(problems).as("after the change").isNotEmpty();
    return problems;
  }

  private static void setArg(ObjectNode workload, String option, String value) {
    ArrayNode args = (ArrayNode) workload.at("/spec/template/spec/containers/0/args");
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).asText().equals(option)) {
        args.set(i + 1, value);
        return;
      }
    }
    throw new AssertionError(option + " not in " + args);
  }

  private static ManifestChecks checks() {
    return new ManifestChecks(secrets(), KubernetesManifests.render(ROOT));
  }

  /** The Secrets of secrets/*.example.yaml: name to keys. */
  static Map<String, Set<String>> secrets() {
    Map<String, Set<String>> secrets = new LinkedHashMap<>();
    for (KubernetesManifests.Document d : KubernetesManifests.documents(ROOT.resolve("secrets"))) {
      assertThat(d.kind()).as(d.toString()).isEqualTo("Secret");
      Set<String> keys = new TreeSet<>();
      d.node().path("stringData").properties().forEach(e -> keys.add(e.getKey()));
      d.node().path("data").properties().forEach(e -> keys.add(e.getKey()));
      d.node().path("stringData").forEach(v -> assertThat(v.asText()).as(d + ": a placeholder, never a real secret")
          .contains("REPLACE-ME"));
      secrets.put(d.name(), keys);
    }
    return secrets;
  }

  private static List<String> kinds(List<ObjectNode> resources) {
    return resources.stream().map(r -> r.path("kind").asText()).toList();
  }

  private static ObjectNode only(List<ObjectNode> resources, String kind) {
    List<ObjectNode> found = resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.getFirst();
  }
}
