package dev.stoker.cuda.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** JCuda's native library can call no driver function the stand-in lacks (a lookup error would end the JVM). */
@Tag("standin")
@ExtendWith(StandinCheck.class)
class ExportsStandinTest {
  @Test
  void everyDriverFunctionJCudaImports_isExported() throws Exception {
    // written by build.sh from `nm -D --undefined-only` of JCuda's libJCudaDriver
    List<String> imported = Files.readAllLines(Path.of(System.getProperty("basedir", "."),
        "target/standin-build/imported.txt"));
    SymbolLookup standin = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());

    assertThat(imported).hasSizeGreaterThan(300).contains("cuMemAlloc_v2", "cuLaunchKernel", "cuStreamWaitEvent");
    assertThat(imported).allSatisfy(name -> assertThat(standin.find(name)).as(name).isPresent());
    assertThat(standin.find("cuNoSuchFunction")).as("negative control").isEmpty();
  }
}
