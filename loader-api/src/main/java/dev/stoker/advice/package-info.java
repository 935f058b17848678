/**
 * Advice on feeding a consumer: from measured rates (a finished run's stages, or what
 * {@code stoker doctor} measured on a sample), which stage bounds the rate, by how much, and the
 * first thing to change. Pure rules, no clock and no I/O: the bench verdict and {@code doctor} both
 * ask {@link dev.stoker.advice.FeedAdvisor}, so they never disagree.
 *
 * <pre>{@code
 * FeedAdvice advice = FeedAdvisor.advise(facts);
 * System.out.println(advice.sentence());   // "decode-bound: ... first, use 8 threads ..."
 * }</pre>
 */
package dev.stoker.advice;
