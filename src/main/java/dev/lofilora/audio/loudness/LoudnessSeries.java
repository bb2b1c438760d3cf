package dev.lofilora.audio.loudness;

/**
 * A sliding loudness reading (momentary or short-term) over a file: {@code lufs[i]} is the window that ends
 * {@code firstEndSeconds + i * hopSeconds} seconds into the file. When the file is shorter than one window there is
 * a single value, measured as if the meter had started on silence.
 */
public record LoudnessSeries(double windowSeconds, double hopSeconds, double firstEndSeconds, double[] lufs) {
    /** The largest reading, or -Infinity for silence. */
    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : lufs) if (v > m) m = v;
        return m;
    }
}
