package dev.lofilora.metrics.validate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generated audio of one checkpoint: a label, its training step when known (plots put checkpoints on a step
 * axis), and the folder of clips: given, or made by {@code --run} ({@link RunGeneration}) — the scoring is the same.
 */
public record CheckpointAudio(String label, Long step, Path dir) {
    private static final Pattern STEP = Pattern.compile("(?:step|checkpoint|ckpt)[-_]?0*(\\d+)|0*(\\d+)$");

    /** Label = the folder name; step from {@code step-000500}, {@code checkpoint-500}, … or trailing digits. */
    public static CheckpointAudio of(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        String label = name == null ? dir.toString() : name.toString();
        Matcher m = STEP.matcher(label.toLowerCase(java.util.Locale.ROOT));
        Long step = null;
        if (m.find()) {
            String g = m.group(1) != null ? m.group(1) : m.group(2);
            if (g != null && !g.isEmpty() && g.length() < 18) step = Long.parseLong(g);
        }
        return new CheckpointAudio(label, step, dir);
    }

    public static List<CheckpointAudio> of(List<Path> dirs) {
        List<CheckpointAudio> out = new ArrayList<>();
        for (Path d : dirs) out.add(of(d));
        return out;
    }
}
