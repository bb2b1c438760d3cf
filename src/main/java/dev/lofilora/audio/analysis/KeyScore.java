package dev.lofilora.audio.analysis;

/**
 * The MIREX weighted key score (as in mir_eval's {@code key.weighted_score}): 1.0 for the same key and
 * mode, 0.5 when the estimate is a perfect fifth above the reference in the same mode, 0.3 for the
 * relative major/minor, 0.2 for the parallel major/minor, else 0.
 */
public final class KeyScore {
    private KeyScore() {}

    /** Tonics are pitch classes 0..11; modes "major" or "minor". */
    public static double mirex(int refTonic, String refMode, int estTonic, String estMode) {
        return mirex(refTonic, refMode, estTonic, estMode, false);
    }

    /** As {@link #mirex(int, String, int, String)}; {@code allowDescendingFifths} also scores a fifth below 0.5. */
    public static double mirex(int refTonic, String refMode, int estTonic, String estMode, boolean allowDescendingFifths) {
        int up = Math.floorMod(estTonic - refTonic, 12);
        boolean sameMode = refMode.equals(estMode);
        if (sameMode && up == 0) return 1.0;
        if (sameMode && (up == 7 || (allowDescendingFifths && up == 5))) return 0.5;
        if (!sameMode && "major".equals(refMode) && Math.floorMod(refTonic - estTonic, 12) == 3) return 0.3;
        if (!sameMode && "minor".equals(refMode) && up == 3) return 0.3;
        if (!sameMode && up == 0) return 0.2;
        return 0;
    }
}
