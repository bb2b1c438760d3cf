package dev.lofilora.audio.synth;

/**
 * One-bar (4/4, sixteen 16th-note steps) drum patterns. Each array holds a velocity per step (0 = silent).
 * Step 0 is beat 1; steps 4, 8 and 12 are beats 2, 3 and 4. Odd steps are the swung 16ths.
 */
public enum DrumPattern {
    /** Classic lofi / boom-bap: kick on 1 and the "and" of 3, snare on 2 and 4, swung 8th hats. */
    BOOM_BAP(
            v(0, 1.0, 7, 0.45, 10, 0.9),
            v(4, 1.0, 12, 1.0),
            v(0, 0.8, 2, 0.5, 4, 0.75, 6, 0.5, 8, 0.8, 10, 0.5, 12, 0.75, 14, 0.5),
            v(), v()),
    /** Chillhop: busier kick, 16th hats with soft off-steps. */
    CHILLHOP(
            v(0, 1.0, 6, 0.6, 10, 0.85),
            v(4, 1.0, 12, 1.0, 15, 0.25),
            v(0, 0.8, 1, 0.3, 2, 0.55, 3, 0.3, 4, 0.75, 5, 0.3, 6, 0.55, 7, 0.3,
              8, 0.8, 9, 0.3, 10, 0.55, 11, 0.3, 12, 0.75, 13, 0.3, 14, 0.55, 15, 0.3),
            v(), v()),
    /** House / disco: kick on every beat, clap on 2 and 4, open hat on the off-beats. */
    FOUR_ON_FLOOR(
            v(0, 1.0, 4, 0.95, 8, 1.0, 12, 0.95),
            v(4, 0.8, 12, 0.8),
            v(0, 0.35, 1, 0.25, 3, 0.25, 4, 0.35, 5, 0.25, 7, 0.25, 8, 0.35, 9, 0.25, 11, 0.25, 12, 0.35, 13, 0.25, 15, 0.25),
            v(2, 0.6, 6, 0.6, 10, 0.6, 14, 0.6),
            v()),
    /** Half-time (trap, sad lofi, chill-step): snare on beat 3 only, 16th hats. */
    HALF_TIME(
            v(0, 1.0, 3, 0.5, 10, 0.8),
            v(8, 1.0),
            v(0, 0.75, 1, 0.35, 2, 0.6, 3, 0.35, 4, 0.75, 5, 0.35, 6, 0.6, 7, 0.35,
              8, 0.75, 9, 0.35, 10, 0.6, 11, 0.35, 12, 0.75, 13, 0.35, 14, 0.6, 15, 0.35),
            v(), v()),
    /** Bossa nova: kick on 1 and 3 with pickups, rim on the 3-2 clave, 16th shaker. */
    BOSSA(
            v(0, 0.9, 6, 0.5, 8, 0.9, 14, 0.5),
            v(),
            v(0, 0.5, 1, 0.25, 2, 0.4, 3, 0.25, 4, 0.5, 5, 0.25, 6, 0.4, 7, 0.25,
              8, 0.5, 9, 0.25, 10, 0.4, 11, 0.25, 12, 0.5, 13, 0.25, 14, 0.4, 15, 0.25),
            v(),
            v(0, 0.8, 3, 0.8, 6, 0.8, 10, 0.8, 12, 0.8)),
    /** Breakbeat (funk break feel): syncopated kick, ghost snares. */
    BREAKBEAT(
            v(0, 1.0, 2, 0.6, 10, 0.9, 11, 0.5),
            v(4, 1.0, 7, 0.3, 9, 0.35, 12, 1.0, 15, 0.3),
            v(0, 0.75, 2, 0.55, 4, 0.75, 6, 0.55, 8, 0.75, 10, 0.55, 12, 0.75, 14, 0.55),
            v(), v()),
    /** Straight backbeat (chiptune, synthwave, rock-ish): kick 1 and 3, snare 2 and 4, 8th hats. */
    BACKBEAT(
            v(0, 1.0, 8, 1.0, 11, 0.4),
            v(4, 1.0, 12, 1.0),
            v(0, 0.7, 2, 0.5, 4, 0.7, 6, 0.5, 8, 0.7, 10, 0.5, 12, 0.7, 14, 0.5),
            v(), v()),
    /** Reggae one-drop: kick and rim together on beat 3, hats on 8ths. */
    ONE_DROP(
            v(8, 1.0),
            v(),
            v(0, 0.6, 2, 0.45, 4, 0.6, 6, 0.45, 8, 0.6, 10, 0.45, 12, 0.6, 14, 0.45),
            v(),
            v(8, 1.0, 4, 0.35, 12, 0.35)),
    /** Sparse brushes (ambient, sleep, jazz ballads): soft kick, rim on 4, quarter-note brush taps. */
    SPARSE(
            v(0, 0.8, 10, 0.4),
            v(),
            v(0, 0.5, 4, 0.4, 8, 0.5, 12, 0.4),
            v(),
            v(4, 0.5, 12, 0.7));

    final double[] kick;
    final double[] snare;
    final double[] hat;
    final double[] openHat;
    final double[] rim;

    DrumPattern(double[] kick, double[] snare, double[] hat, double[] openHat, double[] rim) {
        this.kick = kick;
        this.snare = snare;
        this.hat = hat;
        this.openHat = openHat;
        this.rim = rim;
    }

    /** Builds a 16-step velocity array from (step, velocity) pairs. */
    private static double[] v(double... stepVelocity) {
        double[] steps = new double[16];
        for (int i = 0; i < stepVelocity.length; i += 2) steps[(int) stepVelocity[i]] = stepVelocity[i + 1];
        return steps;
    }

    /** The lowercase id used in config files, e.g. "boom_bap". */
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Parses an id such as "boom_bap" (case-insensitive); throws IllegalArgumentException listing the ids. */
    public static DrumPattern fromId(String id) {
        for (DrumPattern p : values()) if (p.id().equalsIgnoreCase(id)) return p;
        throw new IllegalArgumentException("unknown drum pattern '" + id + "'; known: " + ids());
    }

    /** All ids, comma-separated. */
    public static String ids() {
        StringBuilder sb = new StringBuilder();
        for (DrumPattern p : values()) sb.append(sb.length() == 0 ? "" : ", ").append(p.id());
        return sb.toString();
    }
}
