import dev.stoker.api.SampleSource;
import dev.stoker.dataset.CocoSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.dataset.ManifestSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * What a dataset source's reads and opening cost, for a before/after comparison of the checks on
 * each read (scripts/dataset-read-bench.sh runs it against a build's classes). Makes N files of
 * SIZE random bytes under WORK, lists them as an ImageFolder, a COCO file and a CSV manifest, then
 * times opening each (best of 5) and reading every file into a reused buffer (best of 7 passes).
 * The files were just written, so the page cache is warm: this times the system calls around a
 * read, not the disk.
 */
public class DatasetReadBench {
  public static void main(String[] args) throws IOException {
    Path work = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    Path images = Files.createDirectories(work.resolve("data/images/cls"));
    byte[] bytes = new byte[size];
    new Random(1).nextBytes(bytes);
    StringBuilder coco = new StringBuilder("{\"images\": [");
    StringBuilder csv = new StringBuilder("path,label\n");
    for (int i = 0; i < n; i++) {
      String name = String.format("%07d.jpg", i);
      Files.write(images.resolve(name), bytes);
      coco.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"file_name\": \"cls/").append(name)
          .append("\"}");
      csv.append("images/cls/").append(name).append(",0\n");
    }
    coco.append("], \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"c\"}]}");
    Path json = Files.writeString(work.resolve("data/coco.json"), coco);
    Path manifest = Files.writeString(work.resolve("data/m.csv"), csv);
    Path folder = work.resolve("data/images");

    SampleSource[] sources = new SampleSource[3];
    String[] names = {"image folder", "COCO", "manifest"};
    for (int s = 0; s < 3; s++) {
      long best = Long.MAX_VALUE;
      for (int run = 0; run < 5; run++) {
        long t0 = System.nanoTime();
        sources[s] = switch (s) {
          case 0 -> ImageFolderSource.open(folder);
          case 1 -> CocoSource.open(json, folder);
          default -> ManifestSource.open(manifest);
        };
        best = Math.min(best, System.nanoTime() - t0);
      }
      System.out.printf("open %-12s %7.1f ms for %d files%n", names[s], best / 1e6, n);
    }
    for (int s = 0; s < 3; s++) {
      ByteBuffer reuse = null;
      long best = Long.MAX_VALUE;
      long total = 0;
      for (int pass = 0; pass < 7; pass++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          reuse = sources[s].read(i, reuse);
          total += reuse.remaining();
        }
        best = Math.min(best, System.nanoTime() - t0);
      }
      System.out.printf("read %-12s %7.2f us per file of %d bytes (best of 7 passes; %d bytes read)%n", names[s],
          best / 1e3 / n, size, total);
    }
  }
}
