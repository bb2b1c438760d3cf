package dev.lofilora;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The user's documentation cites only Markdown files a user of the repository has. */
class DocsTest {
    @Test
    void everyMarkdownFileTheDocsCiteIsInTheRepository() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Set<String> present = new HashSet<>();
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(repo)) {
            for (Path p : s.filter(p -> !p.startsWith(repo.resolve("target")) && !p.toString().contains("/.git/"))
                    .filter(p -> p.toString().endsWith(".md")).toList()) {
                present.add(p.getFileName().toString());
                docs.add(p);
            }
        }
        Pattern cited = Pattern.compile("([A-Za-z0-9_.-]+\\.md)\\b");
        List<String> missing = new ArrayList<>();
        for (Path doc : docs) {
            Matcher m = cited.matcher(Files.readString(doc));
            while (m.find()) {
                if (!present.contains(m.group(1))) missing.add(repo.relativize(doc) + " cites " + m.group(1));
            }
        }
        assertEquals(List.of(), missing);
    }
}
