package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuInit;

import jcuda.driver.JCudaDriver;

/**
 * Run in a fresh JVM by {@link InitStandinTest}: prints what {@code cuDeviceGetCount} returns before and after
 * {@code cuInit} (a JVM that already called cuInit cannot show the first).
 */
public final class NotInitializedMain {
  private NotInitializedMain() {}

  public static void main(String[] args) {
    JCudaDriver.setExceptionsEnabled(false);
    int[] count = new int[1];
    int before = cuDeviceGetCount(count);
    int init = cuInit(0);
    int after = cuDeviceGetCount(count);
    System.out.println(before + " " + init + " " + after + " " + count[0]);
  }
}
