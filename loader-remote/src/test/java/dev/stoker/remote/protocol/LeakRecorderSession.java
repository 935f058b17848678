package dev.stoker.remote.protocol;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs {@link LeakRecorder} when the test session opens, before any test class allocates a
 * buffer (registered in {@code META-INF/services}).
 */
public final class LeakRecorderSession implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    LeakRecorder.install();
  }
}
