/* test_media: what a file is by its magic bytes, media ids, and signed media URLs. */
#include "arena.h"
#include "conf.h"
#include "media.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))
#define B(s) s, sizeof(s) - 1

static const struct {
	const char *why;
	const char *data;
	size_t len;
	const char *declared;
	const char *want; /* content type; NULL: refused */
	const char *kind, *ext;
} sniffs[] = {
	{"JPEG", B("\xff\xd8\xff\xe0\0\x10JFIF\0"), NULL, "image/jpeg", "image", "jpg"},
	{"JPEG declared as image/jpg", B("\xff\xd8\xff\xe1xxxx"), "image/jpg", "image/jpeg", "image", "jpg"},
	{"JPEG declared with parameters and case", B("\xff\xd8\xff\xdbxxxx"), " Image/JPEG; q=1", "image/jpeg", "image",
	 "jpg"},
	{"PNG", B("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1"), "image/png", "image/png", "image", "png"},
	{"PNG without IHDR", B("\x89PNG\r\n\x1a\n\0\0\0\rIDAT\0\0\0\1"), NULL, NULL, NULL, NULL},
	{"WebP lossy", B("RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0"), NULL, "image/webp", "image", "webp"},
	{"WebP lossless", B("RIFF\x24\0\0\0WEBPVP8L\x18\0\0\0"), "image/webp", "image/webp", "image", "webp"},
	{"RIFF that is WAV", B("RIFF\x24\0\0\0WAVEfmt \x10\0\0\0"), NULL, NULL, NULL, NULL},
	{"MP4 (isom)",
	 B("\0\0\0\x18"
	   "ftypisom\0\0\2\0isomiso2mp41"),
	 NULL, "video/mp4", "video", "mp4"},
	{"MP4 declared video/mp4",
	 B("\0\0\0\x14"
	   "ftypmp42\0\0\0\0mp42xxxx"),
	 "video/mp4", "video/mp4", "video", "mp4"},
	{"MP4 declared audio/mp4 is audio",
	 B("\0\0\0\x14"
	   "ftypisom\0\0\0\0isomxxxx"),
	 "audio/mp4", "audio/mp4", "audio", "m4a"},
	{"M4A brand is audio",
	 B("\0\0\0\x1c"
	   "ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0"),
	 NULL, "audio/mp4", "audio", "m4a"},
	{"M4A declared audio/x-m4a",
	 B("\0\0\0\x14"
	   "ftypM4A \0\0\0\0M4A xxxx"),
	 "audio/x-m4a", "audio/mp4", "audio", "m4a"},
	{"ftyp box longer than the file", B("\0\0\1\0ftypisom\0\0\0\0isom"), NULL, NULL, NULL, NULL},
	{"ftyp box too short",
	 B("\0\0\0\x0c"
	   "ftypisom\0\0\0\0isom"),
	 NULL, NULL, NULL, NULL},
	{"ftyp with a binary brand",
	 B("\0\0\0\x10"
	   "ftyp\x01\x02\x03\x04\0\0\0\0"),
	 NULL, NULL, NULL, NULL},
	{"QuickTime is refused",
	 B("\0\0\0\x14"
	   "ftypqt  \0\0\0\0qt  xxxx"),
	 NULL, NULL, NULL, NULL},
	{"MP3 with ID3",
	 B("ID3\x04\0\0\0\0\x01\x7f"
	   "xxxx"),
	 NULL, "audio/mpeg", "audio", "mp3"},
	{"MP3 with ID3, declared audio/mp3",
	 B("ID3\x03\0\0\0\0\0\x10"
	   "xx"),
	 "audio/mp3", "audio/mpeg", "audio", "mp3"},
	{"ID3 with a bad size",
	 B("ID3\x04\0\0\x80\0\0\0"
	   "xx"),
	 NULL, NULL, NULL, NULL},
	{"MP3 frame, MPEG-1 layer III 128k 44.1k", B("\xff\xfb\x90\x64\0\0"), NULL, "audio/mpeg", "audio", "mp3"},
	{"MPEG layer II frame is not MP3", B("\xff\xfd\x90\x64\0\0"), NULL, NULL, NULL, NULL},
	{"MP3 frame with a bad bit rate", B("\xff\xfb\xf0\x64\0\0"), NULL, NULL, NULL, NULL},
	{"WebM", B("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87"), NULL, "video/webm", "video",
	 "webm"},
	{"WebM declared audio/webm", B("\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm\0\0"), "audio/webm", "audio/webm", "audio",
	 "webm"},
	{"Matroska is not WebM", B("\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska"), NULL, NULL, NULL, NULL},
	{"PNG declared as JPEG", B("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1"), "image/jpeg", NULL, NULL, NULL},
	{"MP4 declared as an image",
	 B("\0\0\0\x14"
	   "ftypisom\0\0\0\0isomxxxx"),
	 "image/png", NULL, NULL, NULL},
	{"JPEG declared as octet-stream", B("\xff\xd8\xff\xe0xxxx"), "application/octet-stream", NULL, NULL, NULL},
	{"SVG (script inside) is refused", B("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>"), "image/svg+xml",
	 NULL, NULL, NULL},
	{"HTML is refused", B("<!doctype html><script>alert(1)</script>"), NULL, NULL, NULL, NULL},
	{"GIF is not allowed", B("GIF89a\1\0\1\0"), "image/gif", NULL, NULL, NULL},
	{"too short for anything", B("\xff\xd8"), NULL, NULL, NULL, NULL},
	{"empty", "", 0, NULL, NULL, NULL, NULL},
};

START_TEST(media_sniff_knows_allowed_types_by_their_bytes)
{
	const struct media_type *t = media_sniff(sniffs[_i].data, sniffs[_i].len, sniffs[_i].declared);

	if (!sniffs[_i].want) {
		ck_assert_msg(t == NULL, "%s: taken as %s", sniffs[_i].why, t ? t->content_type : "");
		return;
	}
	ck_assert_msg(t != NULL, "%s: refused", sniffs[_i].why);
	ck_assert_str_eq(t->content_type, sniffs[_i].want);
	ck_assert_str_eq(t->kind, sniffs[_i].kind);
	ck_assert_str_eq(t->ext, sniffs[_i].ext);
}
END_TEST

START_TEST(media_sniff_reads_no_byte_past_the_end)
{
	/* Every prefix of every sample, copied to an exact-size buffer (ASan sees any overread). */
	for (size_t i = 0; i < N(sniffs); i++)
		for (size_t n = 0; n <= sniffs[i].len; n++) {
			char *copy = arena_alloc(arena, n ? n : 1);

			memcpy(copy, sniffs[i].data, n);
			(void)media_sniff(copy, n, NULL);
		}
	ck_assert_ptr_null(media_sniff(NULL, 0, NULL));
}
END_TEST

START_TEST(media_caps_per_kind)
{
	ck_assert_int_eq(media_max_bytes("image"), MEDIA_MAX_IMAGE_BYTES);
	ck_assert_int_eq(media_max_bytes("video"), MEDIA_MAX_VIDEO_BYTES);
	ck_assert_int_eq(media_max_bytes("audio"), MEDIA_MAX_AUDIO_BYTES);
	ck_assert_int_eq(media_max_bytes("other"), 0);
	ck_assert_int_lt(MEDIA_MAX_IMAGE_BYTES, MEDIA_MAX_AUDIO_BYTES);
}
END_TEST

static const struct {
	const char *id;
	bool ok;
} ids[] = {
	{"0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01", true},
	{"00000000-0000-0000-0000-000000000000", true},
	{"0B7C1D52-5A7E-4C39-9D5E-2F1F3A6B8C01", false},
	{"0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c0", false},
	{"0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c011", false},
	{"0b7c1d525a7e-4c39-9d5e-2f1f3a6b8c01-", false},
	{"0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c0g", false},
	{"../../etc/passwd", false},
	{"", false},
};

START_TEST(media_ids_are_canonical_uuids)
{
	ck_assert_msg(media_id_valid(ids[_i].id) == ids[_i].ok, "%s", ids[_i].id);
}
END_TEST

#define SECRET "0123456789abcdef0123456789abcdef-test"
#define ID     "0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01"

START_TEST(media_signature_is_hmac_sha256_of_id_dot_exp_in_base64url)
{
	/* openssl: printf '%s' ID.1700000000 | openssl dgst -sha256 -hmac SECRET -binary | basenc --base64url */
	const char *sig = media_url_signature(arena, SECRET, ID, 1700000000);
	const char *path = media_signed_path(arena, SECRET, ID, 1700000000);

	ck_assert_str_eq(sig, "Unn95BjSzljEx2R6Emat_wTJDYCdQZCxnpAlzhdThnY");
	ck_assert_str_eq(path, arena_printf(arena, "/media/" ID "?exp=1700000000&sig=%s", sig));
	ck_assert_str_ne(sig, media_url_signature(arena, SECRET, ID, 1700000001));
	ck_assert_str_ne(sig, media_url_signature(arena, SECRET "x", ID, 1700000000));
	ck_assert_str_ne(sig, media_url_signature(arena, SECRET, "0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c02", 1700000000));
}
END_TEST

START_TEST(media_url_checks_signature_then_expiry)
{
	const char *sig = media_url_signature(arena, SECRET, ID, 2000);
	char altered[64];

	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "2000", sig, 1999), MEDIA_URL_OK);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "2000", sig, 2000), MEDIA_URL_OK);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "2000", sig, 2001), MEDIA_URL_EXPIRED);
	/* A later exp with the old signature is not an extension: it is invalid. */
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "9000", sig, 2001), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "02000", sig, 1999), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, "0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c02", "2000", sig, 1999),
			 MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET "x", ID, "2000", sig, 1999), MEDIA_URL_INVALID);
	snprintf(altered, sizeof(altered), "%s", sig);
	altered[10] = altered[10] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "2000", altered, 1999), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "2000", arena_printf(arena, "%s=", sig), 1999),
			 MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "2000", "", 1999), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, NULL, sig, 1999), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "2000", NULL, 1999), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "-1", sig, 1999), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, ID, "99999999999999999999", sig, 1999), MEDIA_URL_INVALID);
	ck_assert_int_eq(media_url_verify(arena, SECRET, NULL, "2000", sig, 1999), MEDIA_URL_INVALID);
	/* Never with a missing or short key, even when the signature matches it. */
	ck_assert_int_eq(media_url_verify(arena, "", ID, "2000", media_url_signature(arena, "", ID, 2000), 1999),
			 MEDIA_URL_INVALID);
	ck_assert_int_eq(
		media_url_verify(arena, "short", ID, "2000", media_url_signature(arena, "short", ID, 2000), 1999),
		MEDIA_URL_INVALID);
}
END_TEST

START_TEST(media_workers_need_a_secret_of_32_characters)
{
	struct conf c;
	struct err e = {0};

	unsetenv("MOTUS_MEDIA_URL_SECRET");
	ck_assert_int_eq(conf_load(&c, NULL, &e), 0);
	ck_assert_int_eq(media_settings_check(&c, &e), -1); /* the default is empty */
	ck_assert_str_eq(e.field, "media_url_secret");
	conf_release(&c);
	setenv("MOTUS_MEDIA_URL_SECRET", "0123456789abcdef0123456789abcde", 1);
	ck_assert_int_eq(conf_load(&c, NULL, &e), 0);
	ck_assert_int_eq(media_settings_check(&c, &e), -1);
	conf_release(&c);
	setenv("MOTUS_MEDIA_URL_SECRET", "0123456789abcdef0123456789abcdef", 1);
	ck_assert_int_eq(conf_load(&c, NULL, &e), 0);
	ck_assert_int_eq(media_settings_check(&c, &e), 0);
	conf_release(&c);
	unsetenv("MOTUS_MEDIA_URL_SECRET");
}
END_TEST

static Suite *media_suite(void)
{
	Suite *s = suite_create("media");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, media_sniff_knows_allowed_types_by_their_bytes, 0, N(sniffs));
	tcase_add_test(tc, media_sniff_reads_no_byte_past_the_end);
	tcase_add_test(tc, media_caps_per_kind);
	tcase_add_loop_test(tc, media_ids_are_canonical_uuids, 0, N(ids));
	tcase_add_test(tc, media_signature_is_hmac_sha256_of_id_dot_exp_in_base64url);
	tcase_add_test(tc, media_url_checks_signature_then_expiry);
	tcase_add_test(tc, media_workers_need_a_secret_of_32_characters);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(media_suite());
}
