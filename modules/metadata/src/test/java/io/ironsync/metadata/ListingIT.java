package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FilePath;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListingIT {

  /** UTF-8 byte order, what collate "C" gives. */
  private static final Comparator<String> BYTE_WISE =
      (a, b) -> Arrays.compareUnsigned(bytes(a), bytes(b));

  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx);
  }

  @Test
  void a_folder_lists_its_files_and_sub_folders_without_deleted_files() {
    String user = newUser();
    db.commit(put(user, "photos/a.jpg", "a"));
    db.commit(put(user, "photos/b.jpg", "b"));
    db.commit(put(user, "photos/2024/c.jpg", "c"));
    db.commit(put(user, "photos/2024/deep/d.jpg", "d"));
    db.commit(put(user, "top.txt", "t"));
    db.client.delete(delete(user, "photos/b.jpg")).await();

    FolderListing photos = list(user, "photos", 100, ListOrder.NAME, null);
    FolderListing root = list(user, "", 100, ListOrder.NAME, null);

    assertThat(photos.nextPageToken()).isEmpty();
    assertThat(photos.entries())
        .extracting(
            FolderListing.Entry::name, FolderListing.Entry::path, FolderListing.Entry::folder)
        .containsExactly(tuple("2024", "photos/2024", true), tuple("a.jpg", "photos/a.jpg", false));
    assertThat(photos.entries().get(0).file()).isNull();
    assertThat(photos.entries().get(1).file())
        .isEqualTo(db.client.get(headQuery(user, "photos/a.jpg")).await().meta());
    assertThat(root.entries())
        .extracting(FolderListing.Entry::name)
        .containsExactly("photos", "top.txt");
    assertThat(db.metrics.transactions()).contains("list:ok");
  }

  @Test
  void names_sort_byte_wise() {
    String user = newUser();
    List<String> names = List.of("b.txt", "B.txt", "a.txt", "Z.txt", "\u00e9.txt", "_x", "10", "9");
    for (String name : names) {
      db.commit(put(user, "mixed/" + name, name));
    }

    FolderListing listing = list(user, "mixed", 100, ListOrder.NAME, null);

    assertThat(listing.entries())
        .extracting(FolderListing.Entry::name)
        .containsExactlyElementsOf(names.stream().sorted(BYTE_WISE).toList());
  }

  @Test
  void paging_by_name_returns_every_child_once_in_order() {
    String user = newUser();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      db.commit(put(user, "many/file-" + i + ".txt", "content " + i));
      expected.add("file-" + i + ".txt");
    }
    for (String folder : List.of("sub-a", "sub-b", "sub-c")) {
      db.commit(put(user, "many/" + folder + "/inner.txt", folder));
      expected.add(folder);
    }
    expected.sort(BYTE_WISE);

    List<List<String>> pages = pages(user, "many", 5, ListOrder.NAME);

    assertThat(pages).hasSize(5);
    assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(expected);
  }

  @Test
  void paging_by_modified_returns_newest_first_ties_by_name_and_every_child_once() {
    String user = newUser();
    for (int i = 0; i < 12; i++) {
      db.commit(put(user, "recent/f" + i, "content " + i));
    }
    db.commit(put(user, "recent/sub/inner", "inner"));
    // several children modified at the very same instant: the name decides between them
    db.rows(
        "update files set modified = '2020-01-01T00:00:00Z' where user_id = '"
            + user
            + "' and path in ('recent/f3', 'recent/f7', 'recent/f1', 'recent/f10') returning 1");
    List<String> expected =
        db
            .rows(
                "select name, modified from files where user_id = '"
                    + user
                    + "' and parent = 'recent'")
            .stream()
            .sorted(
                Comparator.comparing((Map<String, Object> row) -> (Timestamp) row.get("modified"))
                    .reversed()
                    .thenComparing(row -> (String) row.get("name"), BYTE_WISE))
            .map(row -> (String) row.get("name"))
            .toList();

    List<List<String>> pages = pages(user, "recent", 3, ListOrder.MODIFIED);

    assertThat(expected)
        .hasSize(13)
        .startsWith("sub", "f11", "f9")
        .endsWith("f1", "f10", "f3", "f7");
    assertThat(pages).hasSize(5);
    assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(expected);
  }

  @Test
  void missing_folders_and_files_are_404_and_an_emptied_folder_lists_empty() {
    String user = newUser();
    db.commit(put(user, "kept/only.txt", "x"));
    db.commit(put(user, "file.txt", "x"));
    db.client.delete(delete(user, "kept/only.txt")).await();

    ApiException missing = listFails(user, "nope");
    ApiException file = listFails(user, "file.txt");
    FolderListing emptied = list(user, "kept", 10, ListOrder.NAME, null);
    FolderListing emptyRoot = list(newUser(), "", 10, ListOrder.MODIFIED, null);

    assertThat(missing.status()).isEqualTo(404);
    assertThat(file.status()).isEqualTo(404);
    assertThat(file.detail()).contains("not a folder");
    assertThat(emptied.entries()).isEmpty();
    assertThat(emptied.nextPageToken()).isEmpty();
    assertThat(emptyRoot.entries()).isEmpty();
  }

  @Test
  void bad_limits_and_foreign_page_tokens_are_400() {
    String user = newUser();
    for (int i = 0; i < 3; i++) {
      db.commit(put(user, "f" + i, "x" + i));
    }
    String byName = list(user, "", 1, ListOrder.NAME, null).nextPageToken().orElseThrow();

    assertThat(failure(user, 0, ListOrder.NAME, null).key()).isEqualTo("invalid-limit");
    assertThat(failure(user, 1001, ListOrder.NAME, null).key()).isEqualTo("invalid-limit");
    assertThat(failure(user, 10, ListOrder.MODIFIED, byName).key()).isEqualTo("invalid-page-token");
    assertThat(failure(user, 10, ListOrder.NAME, "%%%").key()).isEqualTo("invalid-page-token");
    assertThat(list(user, "", 1000, ListOrder.NAME, byName).entries())
        .extracting(FolderListing.Entry::name)
        .containsExactly("f1", "f2");
  }

  private static List<List<String>> pages(String user, String folder, int limit, ListOrder order) {
    List<List<String>> pages = new ArrayList<>();
    String token = null;
    do {
      FolderListing page = list(user, folder, limit, order, token);
      pages.add(page.entries().stream().map(FolderListing.Entry::name).toList());
      token = page.nextPageToken().orElse(null);
    } while (token != null);
    return pages;
  }

  private static FolderListing list(
      String user, String folder, int limit, ListOrder order, String token) {
    return db.client
        .list(new ListRequest(user, FilePath.of(folder), limit, Optional.ofNullable(token), order))
        .await();
  }

  private static ApiException listFails(String user, String folder) {
    return catchThrowableOfType(
        ApiException.class, () -> list(user, folder, 10, ListOrder.NAME, null));
  }

  private static ApiException failure(String user, int limit, ListOrder order, String token) {
    return catchThrowableOfType(ApiException.class, () -> list(user, "", limit, order, token));
  }

  private static FileQuery headQuery(String user, String path) {
    return new FileQuery(user, FilePath.of(path), OptionalLong.empty());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
