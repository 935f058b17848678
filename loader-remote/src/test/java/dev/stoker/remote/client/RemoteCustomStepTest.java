package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleImage;
import dev.stoker.api.SampleSource;
import dev.stoker.api.SampleStep;
import dev.stoker.api.TransformSpec;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.protocol.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A plan with a user's Java step cannot go to nodes: the client refuses it before it compiles or sends anything. */
@Timeout(60)
class RemoteCustomStepTest {
  @TempDir
  Path root;

  @Test
  void configure_planWithACustomStep_refusedAndTheSourceStillTakesABuiltInPlan() {
    SampleSource local = TestImages.open(TestImages.make(root));
    FakeNode node = FakeNode.serving(local).start();
    SampleStep mine = new SampleStep() {
      @Override
      public String name() {
        return "mine";
      }

      @Override
      public Kind kind() {
        return Kind.PHOTOMETRIC;
      }

      @Override
      public void apply(SampleImage image, SplittableRandom random) {}
    };
    List<TransformSpec> specs = new ArrayList<>(Presets.imagenetTrain(24));
    specs.add(new TransformSpec.Custom(mine));
    try (RemoteSource remote = RemoteSource.connect(List.of(node.address()), RemoteOptions.defaults())) {
      assertThatThrownBy(() -> remote.configure(new SupplyPlan(specs, 5))).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("step 2 (Custom): a Custom step runs only in this JVM; nodes cannot run it (run it with a local "
              + "source, or use built-in steps)");

      SupplyPlan builtIn = new SupplyPlan(Presets.imagenetTrain(24), 5);
      remote.configure(builtIn);   // would be "already serves another plan" had the refused one been opened
      remote.configure(builtIn);
    } finally {
      node.close();
    }
  }
}
