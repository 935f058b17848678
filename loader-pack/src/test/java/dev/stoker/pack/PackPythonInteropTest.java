package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import dev.stoker.testkit.GradientImageFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shard is a plain tar file: Python's tarfile lists it and reads each sample's .cls and .json. */
class PackPythonInteropTest {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** Lists the shard's members and prints, per key, {"key", "ext" (sorted), "cls", "label", "source", "offset"}. */
  static final String SCRIPT = """
      import json, sys, tarfile
      samples = {}
      with tarfile.open(sys.argv[1], mode="r:") as tar:
          for m in tar.getmembers():
              assert m.isfile(), m.name
              key, ext = m.name.split(".", 1)
              s = samples.setdefault(key, {"key": key, "ext": []})
              s["ext"].append(ext)
              data = tar.extractfile(m).read()
              if ext == "cls":
                  s["cls"] = int(data.decode("ascii"))
              elif ext == "json":
                  j = json.loads(data)
                  s["label"] = j["label"]
                  s["source"] = j["source"]
                  s["width"] = j["width"]
              else:
                  s["offset"] = m.offset_data
                  s["size"] = m.size
      for key in sorted(samples):
          s = samples[key]
          s["ext"].sort()
          print(json.dumps(s))
      """;

  @TempDir
  Path tmp;

  @Test
  void pythonTarfile_readsKeysLabelsAndOffsets() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON), "assumes /usr/bin/python3 to read a shard with tarfile; absent here");
    SampleSource source = Datasets.open(GradientImageFolder.of(9).writeTo(tmp.resolve("data")));
    Path pack = tmp.resolve("pack");
    PackWriting.write(source, pack, PackOptions.defaults().withMaxSide(32).withWorkers(2));
    PackDescriptor d = PackFixtures.descriptor(pack);
    PackIndex index = PackFixtures.index(pack);
    assertThat(d.shards()).hasSize(1);
    Path script = Files.writeString(tmp.resolve("read_shard.py"), SCRIPT);
    Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), pack.resolve(d.shards().getFirst().name())
        .toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    String[] lines = out.strip().split("\n");
    assertThat(lines).hasSize(9);
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 9; i++) {
      JsonNode s = json.readTree(lines[i]);
      assertThat(s.get("key").asText()).isEqualTo(PackDescriptor.key(i));
      assertThat(s.get("ext").toString()).isEqualTo("[\"cls\",\"jpg\",\"json\"]");
      assertThat(s.get("cls").asInt()).isEqualTo(source.label(i));
      assertThat(s.get("label").asInt()).isEqualTo(source.label(i));
      assertThat(s.get("source").asText()).isEqualTo(source.sourceName(i));
      assertThat(s.get("offset").asLong()).isEqualTo(index.offset(i));
      assertThat(s.get("size").asInt()).isEqualTo(index.length(i));
    }
  }

  @Test
  void gnuTar_listsTheShard() throws Exception {
    Path tar = Path.of("/usr/bin/tar");
    assumeTrue(Files.isExecutable(tar), "assumes GNU tar at /usr/bin/tar; absent here");
    SampleSource source = Datasets.open(GradientImageFolder.of(3).writeTo(tmp.resolve("data")));
    Path pack = tmp.resolve("pack");
    PackWriting.write(source, pack, PackOptions.defaults().withMaxSide(16).withWorkers(1));
    Process p = new ProcessBuilder(tar.toString(), "-tf", pack.resolve("shard-000000.tar").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.strip().split("\n")).containsExactly("000000000.jpg", "000000000.cls", "000000000.json",
        "000000001.jpg", "000000001.cls", "000000001.json", "000000002.jpg", "000000002.cls", "000000002.json");
  }

}
