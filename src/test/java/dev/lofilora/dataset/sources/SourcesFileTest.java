package dev.lofilora.dataset.sources;

import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class SourcesFileTest {
    @TempDir Path dir;

    private static String track(String file, String extra) {
        return "{\"file\": \"" + file + "\", \"title\": \"T\", \"artist\": \"A\", \"source_url\": \"https://x.org/" + file
                + "\", \"license\": \"CC0-1.0\", \"license_evidence\": \"https://x.org/l\", \"tier\": \"gold\", "
                + "\"category\": \"main\"" + extra + "}";
    }

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("sources.json"), json);
    }

    private String schemaError(String json) throws IOException {
        Path p = write(json);
        LofiException e = assertThrows(LofiException.class, () -> SourcesFile.load(p));
        assertEquals(p, e.file());
        return e.getMessage();
    }

    @Test
    void loadsAValidFileWithAliasesAndComments() throws IOException {
        Path p = write("{\"version\": 1, \"_comment\": \"mine\", \"tracks\": [\n"
                + track("a.mp3", ", \"style\": \"jazzy\", \"_note\": \"x\"") + ",\n"
                + track("sub/b.flac", ", \"name\": \"bee\", \"lyrics\": \"la la\"").replace("\"license\"", "\"licence\"") + "\n]}");
        SourcesFile s = SourcesFile.load(p);
        assertEquals(2, s.entries().size());
        TrackSource b = s.entries().get(1).track();
        assertEquals("CC0-1.0", b.license());
        assertEquals("bee", b.outputName());
        assertEquals("la la", b.lyrics());
        assertEquals("jazzy", s.entries().get(0).track().style());
        assertEquals(3, s.entries().get(1).line());
        assertTrue(s.entries().get(0).accepted());
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        String msg = schemaError("{\"version\": 1, \"tracks\": [\n" + track("a.mp3", "") + ",\n  {\"file\": }\n]}");
        assertTrue(msg.contains("is not valid JSON at line 3, column"), msg);
    }

    @Test
    void schemaErrorsAreAllListedWithLines() throws IOException {
        String msg = schemaError("{\"version\": 1, \"tracks\": [\n"
                + track("a.mp3", ", \"licnese\": \"x\"") + ",\n"
                + "{\"file\": \"b.mp3\", \"title\": 7, \"artist\": \"A\", \"source_url\": \"\", \"license\": \"CC0-1.0\", "
                + "\"license_evidence\": \"e\", \"tier\": \"gold\"},\n"
                + track("c.mp3", "").replace("\"main\"", "\"../up\"") + "\n]}");
        assertTrue(msg.contains("line 2, column"), msg);
        assertTrue(msg.contains("tracks[0]: unknown field \"licnese\" (did you mean \"license\"?)"), msg);
        assertTrue(msg.contains("tracks[1].title must be a string, found a number"), msg);
        assertTrue(msg.contains("line 3: tracks[1]: missing required field \"category\""), msg);
        assertTrue(msg.contains("tracks[2].category \"../up\" must be a plain folder/file name"), msg);
        assertTrue(msg.contains("docs/sources-schema.md"), msg);
    }

    @Test
    void wrongTopLevelAndVersionAreErrors() throws IOException {
        assertTrue(schemaError("[]").contains("the top level must be an object"));
        assertTrue(schemaError("{\"version\": 2, \"tracks\": []}").contains("\"version\" must be 1 (found 2)"));
        assertTrue(schemaError("{\"version\": 1, \"tracks\": {}}").contains("\"tracks\" must be an array"));
        assertTrue(schemaError("{\"tracks\": []}").contains("missing \"version\": 1"));
    }

    @Test
    void missingFileIsAnErrorWithAFix() {
        LofiException e = assertThrows(LofiException.class, () -> SourcesFile.load(dir.resolve("none.json")));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("--sources"), e.getMessage());
    }

    @Test
    void duplicateFilesCollidingNamesAndEscapesRejectOnlyTheirEntries() throws IOException {
        Path p = write("{\"version\": 1, \"tracks\": [\n"
                + track("ok.mp3", "") + ",\n"
                + track("dup.mp3", "") + ",\n"
                + track("./dup.mp3", ", \"name\": \"dup2\"") + ",\n"
                + track("one/Song.mp3", "") + ",\n"
                + track("two/song.flac", "").replace("\"main\"", "\"other\"") + ",\n"
                + track("../outside.mp3", "") + ",\n"
                + track("/etc/passwd.mp3", "") + "\n]}");
        var es = SourcesFile.load(p).entries();
        assertTrue(es.get(0).accepted());
        assertTrue(es.get(1).problems().get(0).contains("listed more than once (entries tracks[1] (line 3), tracks[2] (line 4))"),
                es.get(1).problems().toString());
        assertFalse(es.get(2).accepted());
        assertTrue(es.get(3).problems().get(0).contains("output name 'Song' collides with entries tracks[3] (line 5), tracks[4] (line 6)"),
                es.get(3).problems().toString());
        assertFalse(es.get(4).accepted());
        assertTrue(es.get(5).problems().get(0).contains("points outside the raw folder"), es.get(5).problems().toString());
        assertTrue(es.get(6).problems().get(0).contains("is an absolute path"), es.get(6).problems().toString());
    }

    @Test
    void anExplicitNameThatIsNotPlainIsRefusedNotSilentlyRewritten() throws IOException {
        String msg = schemaError("{\"version\": 1, \"tracks\": [" + track("a.mp3", ", \"name\": \"Café del Mar\"") + "]}");
        assertTrue(msg.contains("tracks[0].name \"Café del Mar\" is not a plain file name"), msg);
        assertTrue(msg.contains("an explicit name is never rewritten; use e.g. \"Cafe_del_Mar\""), msg);
        // a default name from the file stem is still derived (nothing was given to rewrite)
        Path p = write("{\"version\": 1, \"tracks\": [" + track("Café del Mar.mp3", "") + "]}");
        assertEquals("Caf__del_Mar", SourcesFile.load(p).entries().get(0).track().outputName());
    }
}
