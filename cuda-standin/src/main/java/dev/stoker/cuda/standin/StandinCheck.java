package dev.stoker.cuda.standin;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * TEST FIXTURE: a JUnit 5 extension that fails a test when the CUDA driver stand-in recorded problems during it
 * ({@link CudaStandin#problems()}, which it then clears), fails a test class when the stand-in reported leaks
 * during it ({@link CudaStandin#leaks()}), and fails every test when the stand-in is not loaded (so that a test
 * meant for it cannot pass without it).
 *
 * <pre>{@code
 * @Tag("standin")
 * @ExtendWith(StandinCheck.class)
 * class MyFeedStandinTest { ... }
 * }</pre>
 */
public final class StandinCheck implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
    AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StandinCheck.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    requireActive();
    context.getStore(NAMESPACE).put("leaks", CudaStandin.leaks().size());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    requireActive();
    List<String> before = CudaStandin.problems();
    if (!before.isEmpty()) {
      CudaStandin.clearProblems();
      throw new AssertionError("the CUDA driver stand-in recorded problems before this test (in a @BeforeAll or an "
          + "earlier test's background work):\n  " + String.join("\n  ", before));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> problems = CudaStandin.problems();
    if (!problems.isEmpty()) {
      CudaStandin.clearProblems();
      throw new AssertionError("the CUDA driver stand-in recorded " + problems.size() + " problem(s):\n  "
          + String.join("\n  ", problems));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Integer before = context.getStore(NAMESPACE).get("leaks", Integer.class);
    List<String> leaks = new ArrayList<>(CudaStandin.leaks());
    List<String> problems = CudaStandin.problems();
    CudaStandin.clearProblems();
    List<String> found = new ArrayList<>(problems);
    if (before != null && leaks.size() > before) {
      found.addAll(leaks.subList(before, leaks.size()));
    }
    if (!found.isEmpty()) {
      throw new AssertionError("the CUDA driver stand-in reported, after the last test of the class:\n  "
          + String.join("\n  ", found));
    }
  }

  private static void requireActive() {
    if (!CudaStandin.active()) {
      throw new AssertionError("this test needs the CUDA driver stand-in as libcuda.so.1: it runs in the surefire "
          + "execution 'standin' (LD_LIBRARY_PATH=cuda-standin/target/standin)");
    }
  }
}
