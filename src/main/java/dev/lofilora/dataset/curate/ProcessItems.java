package dev.lofilora.dataset.curate;

import dev.lofilora.dataset.sources.SourcesFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** The units of work of a {@code process} run (and of its {@code --dry-run}): every entry, then unlisted audio. */
final class ProcessItems {
    private ProcessItems() {}

    /** A sources.json entry, or a raw file nobody listed. */
    record Item(SourcesFile.Entry entry, String unlistedFile) {}

    static List<Item> list(Path raw, SourcesFile sources, Path outDir) throws IOException {
        List<Item> items = new ArrayList<>();
        for (SourcesFile.Entry e : sources.entries()) items.add(new Item(e, null));
        for (String f : unlistedAudioFiles(raw, sources, outDir)) items.add(new Item(null, f));
        return items;
    }

    /** Every entry's output name, lowercase (names are unique ignoring case). */
    static Set<String> outputNames(SourcesFile sources) {
        Set<String> names = new HashSet<>();
        for (SourcesFile.Entry e : sources.entries()) names.add(e.track().outputName().toLowerCase(Locale.ROOT));
        return names;
    }

    /** The input of an entry inside the raw folder. */
    static Path input(Path raw, SourcesFile.Entry e) {
        return raw.resolve(e.track().file().replace('\\', '/')).normalize();
    }

    /**
     * Audio files under {@code raw} (hidden ones and the output folder skipped) that no entry lists, as paths relative
     * to {@code raw}.
     */
    static List<String> unlistedAudioFiles(Path raw, SourcesFile sources, Path outDir) throws IOException {
        Path ownOutputs = outDir.toAbsolutePath().normalize(); // should --out lie inside the raw folder
        Set<String> listed = new HashSet<>();
        for (SourcesFile.Entry e : sources.entries()) {
            listed.add(Path.of(e.track().file().replace('\\', '/')).normalize().toString());
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(raw)) {
            walk.filter(p -> !p.equals(raw))
                    .filter(p -> !p.toAbsolutePath().normalize().startsWith(ownOutputs))
                    .filter(p -> !Files.isDirectory(p))
                    .forEach(p -> {
                        Path rel = raw.relativize(p);
                        for (Path part : rel) if (part.toString().startsWith(".")) return;
                        String name = p.getFileName().toString();
                        int dot = name.lastIndexOf('.');
                        if (dot < 0 || !ProcessJob.AUDIO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) return;
                        String r = rel.normalize().toString();
                        if (!listed.contains(r)) out.add(r);
                    });
        }
        out.sort(String::compareTo);
        return out;
    }
}
