package dev.stoker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The manifests of {@code deploy/kubernetes}, read as a test sees them: every YAML document of
 * every file, and each kustomization rendered the way {@code kubectl apply -k} would for what
 * these manifests use (resources as files or folders, {@code namespace}, {@code images} tags,
 * strategic-merge {@code patches} with lists merged by name, {@code mountPath} or
 * {@code containerPort} and {@code $patch: delete}). Not a general kustomize: a feature these
 * manifests start to use and this class does not know fails the rendering, naming it.
 *
 * <pre>{@code
 * List<ObjectNode> nodes = KubernetesManifests.render(Path.of("..", "deploy", "kubernetes"));
 * }</pre>
 */
final class KubernetesManifests {
  /** The repository's manifests, from loader-cli's folder (surefire's working directory). */
  static final Path ROOT = Path.of("..", "deploy", "kubernetes");

  private static final YAMLMapper YAML = new YAMLMapper();

  private KubernetesManifests() {}

  /** One YAML document of a file. */
  record Document(Path file, int index, ObjectNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return ROOT.relativize(file) + "#" + index + " (" + kind() + " " + name() + ")";
    }
  }

  /** Every YAML document of every {@code .yaml}/{@code .yml} file under {@code root}, in path order. */
  static List<Document> documents(Path root) {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Document> documents = new ArrayList<>();
    for (Path file : files) {
      int index = 0;
      for (JsonNode node : read(file)) {
        if (!(node instanceof ObjectNode object)) {
          throw new IllegalStateException(file + " document " + index + " is not a mapping: " + node);
        }
        documents.add(new Document(file, index++, object));
      }
    }
    return documents;
  }

  /** The documents of one file (a {@code ---} separated stream); empty documents are left out. */
  static List<JsonNode> read(Path file) {
    try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      List<JsonNode> nodes = new ArrayList<>();
      while (values.hasNext()) {
        JsonNode node = values.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          nodes.add(node);
        }
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  /** The resources that {@code kubectl apply -k dir} would send, in order. */
  static List<ObjectNode> render(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    List<JsonNode> docs = read(file);
    if (docs.size() != 1) {
      throw new IllegalStateException(file + ": one document expected");
    }
    JsonNode k = docs.getFirst();
    for (String field : k.properties().stream().map(Map.Entry::getKey).toList()) {
      if (!List.of("apiVersion", "kind", "namespace", "resources", "patches", "images").contains(field)) {
        throw new IllegalStateException(file + ": '" + field + "' is not rendered by this test; teach KubernetesManifests");
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode resource : k.path("resources")) {
      Path path = dir.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        out.addAll(render(path));
      } else if (Files.isRegularFile(path)) {
        read(path).forEach(n -> out.add((ObjectNode) n.deepCopy()));
      } else {
        throw new IllegalStateException(file + ": resource " + resource.asText() + " does not exist");
      }
    }
    for (JsonNode patch : k.path("patches")) {
      Path path = dir.resolve(patch.path("path").asText()).normalize();
      String kind = patch.path("target").path("kind").asText();
      String name = patch.path("target").path("name").asText();
      ObjectNode target = out.stream().filter(r -> r.path("kind").asText().equals(kind)
              && r.path("metadata").path("name").asText().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalStateException(file + ": patch target " + kind + " " + name + " not found"));
      for (JsonNode p : read(path)) {
        merge(target, p);
      }
    }
    if (k.has("namespace")) {
      for (ObjectNode r : out) {
        if (!r.path("kind").asText().equals("Namespace")) {
          r.withObject("/metadata").put("namespace", k.path("namespace").asText());
        }
      }
    }
    for (JsonNode image : k.path("images")) {
      containers(out).forEach(container -> {
        String ref = container.path("image").asText();
        String repository = ref.contains(":") ? ref.substring(0, ref.lastIndexOf(':')) : ref;
        if (repository.equals(image.path("name").asText())) {
          String newName = image.path("newName").asText(repository);
          container.put("image", newName + ":" + image.path("newTag").asText(ref.substring(ref.indexOf(':') + 1)));
        }
      });
    }
    return out;
  }

  /** The containers of every pod template among {@code resources}. */
  static List<ObjectNode> containers(List<ObjectNode> resources) {
    List<ObjectNode> containers = new ArrayList<>();
    for (ObjectNode r : resources) {
      podSpec(r).ifPresent(spec -> spec.path("containers").forEach(c -> containers.add((ObjectNode) c)));
    }
    return containers;
  }

  /** The pod spec of a StatefulSet, Deployment or Job, if {@code resource} is one. */
  static Optional<JsonNode> podSpec(JsonNode resource) {
    JsonNode spec = resource.path("spec").path("template").path("spec");
    return spec.isObject() ? Optional.of(spec) : Optional.empty();
  }

  /** The merge key of a list field in a strategic-merge patch, as Kubernetes defines it for these fields. */
  private static String mergeKey(String field) {
    return switch (field) {
      case "volumeMounts" -> "mountPath";
      case "ports" -> "containerPort";
      default -> "name";
    };
  }

  /** A strategic merge of {@code patch} into {@code target} (maps merged, keyed lists merged, others replaced). */
  static void merge(ObjectNode target, JsonNode patch) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      JsonNode value = e.getValue();
      JsonNode current = target.get(e.getKey());
      if (value.isObject() && current instanceof ObjectNode object) {
        merge(object, value);
      } else if (value.isArray() && current instanceof ArrayNode list && !value.isEmpty()
          && value.get(0).isObject() && value.get(0).has(mergeKey(e.getKey()))) {
        mergeList(list, (ArrayNode) value, mergeKey(e.getKey()));
      } else {
        target.set(e.getKey(), value.deepCopy());
      }
    }
  }

  private static void mergeList(ArrayNode target, ArrayNode patch, String key) {
    Map<String, Integer> at = new LinkedHashMap<>();
    for (int i = 0; i < target.size(); i++) {
      at.put(target.get(i).path(key).asText(), i);
    }
    List<Integer> deleted = new ArrayList<>();
    List<JsonNode> added = new ArrayList<>();
    for (JsonNode p : patch) {
      Integer i = at.get(p.path(key).asText());
      if (p.path("$patch").asText().equals("delete")) {
        if (i == null) {
          throw new IllegalStateException("$patch: delete of " + key + "=" + p.path(key).asText() + ", which is not there");
        }
        deleted.add(i);
      } else if (i != null) {
        merge((ObjectNode) target.get(i), p);
      } else {
        added.add(p.deepCopy());
      }
    }
    // new entries first, as kubectl's strategic merge puts them
    ArrayNode merged = target.arrayNode();
    added.forEach(merged::add);
    for (int i = 0; i < target.size(); i++) {
      if (!deleted.contains(i)) {
        merged.add(target.get(i));
      }
    }
    target.removeAll();
    target.addAll(merged);
  }
}
