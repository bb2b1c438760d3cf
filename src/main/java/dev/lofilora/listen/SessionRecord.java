package dev.lofilora.listen;

import java.util.List;

/**
 * One listening session as it is planned when it starts: who rates, the two systems, the seed and every trial
 * (which clip pair, which system on which side, the gain each clip is played with).
 */
public record SessionRecord(String session, String rater, String started, long seed, SystemRecord systemA,
                            SystemRecord systemB, double targetLufs, List<TrialRecord> trials) {
    public SessionRecord {
        trials = trials == null ? null : List.copyOf(trials);
    }

    /** A rated system: its id and the folder its clips came from (absolute). */
    public record SystemRecord(String id, String folder) {}

    /**
     * One planned trial (numbered from 1): the clip pair, the system shown on the left (page label A) and on the
     * right (B), and the gain in dB each clip is played with (loudness matching; 0 for a clip already at the target).
     */
    public record TrialRecord(int trial, String pair, String left, String right, double leftGainDb,
                              double rightGainDb) {}
}
