package dev.lofilora.infer.guidance;

/** The guided loop iterations {@code [start, end)} ({@code start_idx}, {@code end_idx} of the original). */
public record GuidanceWindow(int start, int end) {
    public boolean contains(int i) {
        return start <= i && i < end;
    }

    @Override
    public String toString() { return "[" + start + ", " + end + ")"; }
}
