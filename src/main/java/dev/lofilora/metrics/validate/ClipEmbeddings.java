package dev.lofilora.metrics.validate;

import java.util.List;

/**
 * The embeddings of one clip's scored segments: VGGish frames per segment ({@code [frames][128]}, possibly none for a
 * segment under 0.96 s) and the CLAP clip embedding per segment ({@code [J]}, unit), with the segment length used.
 */
public record ClipEmbeddings(Clip clip, List<float[][]> vggish, List<float[]> clap, double segmentSeconds) {
    public ClipEmbeddings {
        vggish = List.copyOf(vggish);
        clap = List.copyOf(clap);
        if (vggish.size() != clap.size() || vggish.isEmpty()) {
            throw new IllegalArgumentException("one VGGish and one CLAP entry per segment, at least one segment");
        }
    }

    public int segments() { return vggish.size(); }

    public int frames() {
        int n = 0;
        for (float[][] v : vggish) n += v.length;
        return n;
    }
}
