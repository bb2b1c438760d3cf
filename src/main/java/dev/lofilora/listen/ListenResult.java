package dev.lofilora.listen;

import java.nio.file.Path;

/**
 * How a listening session ended: its id, the URL it was served on, the trials planned and answered, whether it
 * was resumed, and the scores file every answer is in.
 */
public record ListenResult(String session, String url, String rater, String systemA, String systemB, int trials,
                           int answered, boolean complete, boolean resumed, Path scores) {}
