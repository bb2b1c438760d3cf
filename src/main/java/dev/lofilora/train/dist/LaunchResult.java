package dev.lofilora.train.dist;

import java.util.List;

/**
 * How the local ranks ended.
 *
 * @param exitCodes  per local rank, its exit code (128+n when killed by signal n)
 * @param failedRank the global rank that failed first, or -1 when none did
 * @param message    one line on what happened (names the failed rank and its exit code or signal)
 * @param exitCode   the launcher's: 0 all finished; 2 every failure was bad input (the ranks' own code); 1 otherwise
 *                   (a rank died, hung or stopped: --resume continues from the last checkpoint)
 */
public record LaunchResult(List<Integer> exitCodes, int failedRank, String message, int exitCode) {
    public LaunchResult {
        exitCodes = List.copyOf(exitCodes);
    }
}
