"""Media, message kinds and notices in the UI languages WhatsApp ships, read through the real
parser: each family as one export per header shape, every row checked."""

from __future__ import annotations

import pyarrow as pa
import pytest

from egregora_assets.core.anonymized_messages.people import people_named
from egregora_assets.core.anonymized_messages.pseudonyms import name_key
from egregora_assets.core.notices import notices, read_notice
from egregora_assets.core.raw_exports.kinds import KINDS, LANGUAGES
from egregora_assets.core.raw_exports.parse import parse_chat

LRM = "\u200e"
HEADS = {"android": "12/03/2024, 09:{m:02d} - ", "ios": "[12/03/2024, 09:{m:02d}:05] "}
WRITER = "Ana Souza"


def parsed(bodies: list[str], shape: str, *, author: str = WRITER, group: str | None = None) -> list[dict]:
    """One export holding each body as a message (or a notice, `author=None` on Android)."""
    head = HEADS[shape]
    lines = []
    for i, body in enumerate(bodies):
        who = "" if author is None else f"{author}: "
        lines.append(head.format(m=i % 60) + who + body)
    return parse_chat("\n".join(lines) + "\n", group_name=group).messages.to_pylist()


def mismatches(cases: list[tuple], shape: str, kind: str, attachment=lambda body: None) -> list:
    bodies = [(LRM if shape == "ios" and not body.startswith("<") else "") + body for _, body in cases]
    rows = parsed(bodies, shape)
    assert len(rows) == len(cases), [r["message"] for r in rows]
    return [
        (lang, body, row["author"], row["kind"], row["attachment"])
        for (lang, body), row in zip(cases, rows)
        if (row["author"], row["kind"], row["attachment"]) != (WRITER, kind, attachment(body))
    ]


# --- the data file ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_language_has_every_kind(lang):
    table = LANGUAGES[lang]
    missing = table.get("missing", {})
    for kind in KINDS:
        words = table.get(kind, [])
        assert bool(words) != (kind in missing), f"{lang}.{kind}: words, or a `missing` reason (not both)"
        assert missing.get(kind, "no source") in ("no source", "no iOS source"), (lang, kind)
    assert set(table) <= {*KINDS, "missing"}, set(table) - {*KINDS, "missing"}


def test_the_languages_the_issue_names_are_all_there():
    named = {"ar", "cs", "el", "he", "hi", "id", "ja", "ko", "nl", "pl", "pt-PT", "ru", "sv", "th", "tr", "uk", "vi"}
    assert named | {"zh-Hans", "zh-Hant", "en", "pt", "es", "de", "fr", "it"} <= set(LANGUAGES)
    assert named | {"zh-Hans", "zh-Hant"} <= set(notices().separators)


# --- message kinds, WhatsApp's words in each language (file names and places are ours) -------------
MEDIA_OMITTED = [
    ("nl", "<Media weggelaten>"),
    ("ru", "<Файл пропущен>"),
    ("uk", "<Медіа пропущено>"),
    ("cs", "< Média vynechána >"),
    ("pl", "<pliki pominięto>"),
    ("sv", "<Media har utelämnats>"),
    ("tr", "<Medya atlanmış>"),
    ("id", "<Media tidak disertakan>"),
    ("hi", "<मीडिया के बिना>"),
    ("ar", "<تم استبعاد الوسائط>"),
    ("he", "<מדיה הושמטה>"),
    ("el", "<Εξαίρεση πολυμέσων>"),
    ("ja", "<メディアは含まれていません>"),
    ("ko", "<미디어 파일을 생략한 대화내용>"),
    ("zh-Hans", "<省略多媒体文件>"),
    ("zh-Hant", "<忽略多媒體檔>"),
    ("th", "<สื่อถูกลบ>"),
    ("vi", "<Bỏ qua Media>"),
    ("pt-PT", "<Ficheiro não revelado>"),
    ("ms", "<Media disingkirkan>"),
    ("fa", "< پيوست نما/آهنگ حذف شد >"),
    ("ro", "<Conținut media omis>"),
    ("hu", "<Hiányzó médiafájl>"),
    ("da", "<Mediefil udeladt>"),
    ("nb", "<Uten vedlegg>"),
    ("fi", "<Media jätetty pois>"),
    ("ca", "<Mitjans omesos>"),
    ("sk", "<Médiá vynechané>"),
    ("hr", "<Medijski zapis izostavljen>"),
    ("bn", "<মিডিয়া বাদ দেওয়া হয়েছে>"),
    ("ur", "<میڈیا چھوڑ دیا گیا>"),
    ("nl", "afbeelding weggelaten"),
    ("nl", "sticker weggelaten"),
    ("nl", "Reisplan.pdf • 3 p. document weggelaten"),
    ("ru", "изображение отсутствует"),
    ("ru", "стикер не добавлен"),
    ("ru", "Reisplan.pdf • 3 p. документ отсутствует"),
    ("uk", "зображення відсутнє"),
    ("uk", "Наклейку не додано"),
    ("uk", "Reisplan.pdf • 3 p. документ пропущено"),
    ("cs", "obrázek vynechán"),
    ("cs", "nálepka vynechána"),
    ("cs", "Reisplan.pdf • 3 p. dokument vynechán"),
    ("pl", "obraz pominięty"),
    ("pl", "pominięto naklejkę"),
    ("pl", "Reisplan.pdf • 3 p. dokument pominięty"),
    ("sv", "bild utesluten"),
    ("sv", "sticker utesluten"),
    ("sv", "Reisplan.pdf • 3 p. dokument uteslutet"),
    ("tr", "görüntü dahil edilmedi"),
    ("tr", "Çıkartma dahil edilmedi"),
    ("tr", "Reisplan.pdf • 3 p. belge dahil edilmedi"),
    ("id", "gambar tidak disertakan"),
    ("id", "stiker tidak disertakan"),
    ("id", "Reisplan.pdf • 3 p. dokumen tidak disertakan"),
    ("hi", "फ़ोटो हटाई गई"),
    ("hi", "स्टिकर छोड़ा गया"),
    ("hi", "Reisplan.pdf • 3 p. डॉक्यूमेंट छोड़ा गया"),
    ("ar", "لم يتم إدراج الصورة"),
    ("ar", "تم حذف الملصقات"),
    ("ar", "Reisplan.pdf • 3 p. لم يتم إدراج المستند"),
    ("he", "התמונה הושמטה"),
    ("he", "סטיקר הושמט"),
    ("he", "Reisplan.pdf • 3 p. מסמך הושמט"),
    ("el", "εικόνα παραλείφθηκε"),
    ("el", "αυτοκόλλητο παραλήφθηκε"),
    ("el", "Reisplan.pdf • 3 p. έγγραφο παραλείφθηκε"),
    ("ja", "画像は含まれていません"),
    ("ja", "スタンプは含まれていません"),
    ("ja", "Reisplan.pdf • 3 p. ドキュメントは含まれていません"),
    ("ko", "이미지 생략됨"),
    ("ko", "스티커 제외됨"),
    ("ko", "Reisplan.pdf • 3 p. 문서 생략됨"),
    ("zh-Hans", "照片已忽略"),
    ("zh-Hans", "贴图已省略"),
    ("zh-Hans", "Reisplan.pdf • 3 p. 文档已省略"),
    ("zh-Hant", "圖像已省略"),
    ("zh-Hant", "貼圖已忽略"),
    ("zh-Hant", "Reisplan.pdf • 3 p. 文件已忽略"),
    ("th", "ไม่มีรูปภาพ"),
    ("th", "ไม่มีสติกเกอร์"),
    ("th", "Reisplan.pdf • 3 p. ละเว้นเอกสาร"),
    ("vi", "đã bỏ qua hình ảnh"),
    ("vi", "đã bỏ sticker"),
    ("vi", "Reisplan.pdf • 3 p. đã bỏ qua tài liệu"),
    ("pt-PT", "imagem não revelada"),
    ("pt-PT", "sticker não revelado"),
    ("pt-PT", "Reisplan.pdf • 3 p. documento não revelado"),
    ("ms", "imej tidak dimasukkan"),
    ("ms", "pelekat tidak disertakan"),
    ("ms", "Reisplan.pdf • 3 p. dokumen tidak dimasukkan"),
    ("fa", "تصویر حذف شد"),
    ("fa", "استیکر حذف شد"),
    ("fa", "Reisplan.pdf • 3 p. سند حذف شد"),
    ("ro", "Imagine omisă"),
    ("ro", "sticker omis"),
    ("ro", "Reisplan.pdf • 3 p. document omis"),
    ("hu", "kép küldése sikertelen"),
    ("hu", "matrica kihagyva"),
    ("hu", "Reisplan.pdf • 3 p. dokumentum kihagyva"),
    ("da", "billede udeladt"),
    ("da", "klistermærke udeladt"),
    ("da", "Reisplan.pdf • 3 p. dokument udeladt"),
    ("nb", "bilde ikke inkludert"),
    ("nb", "klistremerke utelatt"),
    ("nb", "Reisplan.pdf • 3 p. utelatt dokument"),
    ("fi", "ei kuvaa"),
    ("fi", "tarraa ei sisällytetty"),
    ("fi", "Reisplan.pdf • 3 p. dokumenttia ei sisällytetä"),
    ("ca", "Imatge omesa"),
    ("ca", "adhesiu omès"),
    ("ca", "Reisplan.pdf • 3 p. Document omès"),
    ("sk", "obrázok vynechaný"),
    ("sk", "nálepka vynechaná"),
    ("sk", "Reisplan.pdf • 3 p. dokument vynechaný"),
    ("hr", "slika izostavljena"),
    ("hr", "naljepnica izostavljena"),
    ("hr", "Reisplan.pdf • 3 p. dokument izostavljen"),
    ("bn", "ইমেজ বাদ দেওয়া হয়েছে"),
    ("bn", "স্টিকার বাদ দেওয়া হয়েছে"),
    ("bn", "Reisplan.pdf • 3 p. ডকুমেন্ট বাদ দেওয়া হয়েছে"),
    ("ur", "تصویر نکال دی گئی ہے"),
    ("ur", "اسٹیکر نظرانداز"),
    ("ur", "Reisplan.pdf • 3 p. دستاویز نظرانداز"),
]
ATTACHED = [
    ("nl", "Reisplan 2024.pdf (bestand bijgevoegd)"),
    ("ru", "Reisplan 2024.pdf (файл добавлен)"),
    ("uk", "Reisplan 2024.pdf (файл додано)"),
    ("cs", "Reisplan 2024.pdf (soubor byl přiložen)"),
    ("pl", "Reisplan 2024.pdf (załączony plik)"),
    ("sv", "Reisplan 2024.pdf (bifogad fil)"),
    ("tr", "Reisplan 2024.pdf (dosya ekli)"),
    ("id", "Reisplan 2024.pdf (file terlampir)"),
    ("hi", "Reisplan 2024.pdf (फाइल अटैच कर दी गई है)"),
    ("ar", "Reisplan 2024.pdf (الملف مرفق)"),
    ("he", "Reisplan 2024.pdf (קובץ מצורף)"),
    ("el", "Reisplan 2024.pdf (συνημμένο αρχείο)"),
    ("ja", "Reisplan 2024.pdf (添付ファイル有り)"),
    ("ko", "Reisplan 2024.pdf (파일 첨부됨)"),
    ("zh-Hans", "Reisplan 2024.pdf (文件附件)"),
    ("zh-Hant", "Reisplan 2024.pdf (附件檔案)"),
    ("th", "Reisplan 2024.pdf (ไฟล์ที่แนบ)"),
    ("vi", "Reisplan 2024.pdf (tệp đính kèm)"),
    ("pt-PT", "Reisplan 2024.pdf (ficheiro anexado)"),
    ("ms", "Reisplan 2024.pdf (fail dilampirkan)"),
    ("fa", "فایل پیوست شد Reisplan 2024.pdf"),
    ("ro", "Reisplan 2024.pdf (fișier atașat)"),
    ("hu", "Reisplan 2024.pdf (fájl csatolva)"),
    ("da", "Reisplan 2024.pdf (fil vedhæftet)"),
    ("nb", "Reisplan 2024.pdf (vedlagt fil)"),
    ("fi", "Reisplan 2024.pdf (liitetiedosto)"),
    ("ca", "Reisplan 2024.pdf (arxiu adjunt)"),
    ("sk", "Reisplan 2024.pdf (súbor pripojený)"),
    ("hr", "Reisplan 2024.pdf (datoteka u privitku)"),
    ("bn", "Reisplan 2024.pdf (ফাইল সংযুক্ত হয়েছে)"),
    ("ur", "Reisplan 2024.pdf (پیوستہ فائل)"),
]
ATTACHED_IOS = [
    ("nl", "<bijgevoegd: 00000031-Reisplan 2024.pdf>"),
    ("ru", "<прикреплено: 00000031-Reisplan 2024.pdf>"),
    ("uk", "<додано: 00000031-Reisplan 2024.pdf>"),
    ("cs", "<příloha: 00000031-Reisplan 2024.pdf>"),
    ("pl", "<załączono: 00000031-Reisplan 2024.pdf>"),
    ("sv", "<bifogat: 00000031-Reisplan 2024.pdf>"),
    ("tr", "<00000031-Reisplan 2024.pdf eklendi>"),
    ("id", "<terlampir: 00000031-Reisplan 2024.pdf>"),
    ("hi", "<अटैच किया गया: 00000031-Reisplan 2024.pdf>"),
    ("ar", "<المُرفق: 00000031-Reisplan 2024.pdf>"),
    ("he", "<מצורף: 00000031-Reisplan 2024.pdf>"),
    ("el", "<επισυνάφθηκε: 00000031-Reisplan 2024.pdf>"),
    ("ja", "<添付ファイル: 00000031-Reisplan 2024.pdf>"),
    ("ko", "< 첨부됨: 00000031-Reisplan 2024.pdf>"),
    ("zh-Hans", "<附件：00000031-Reisplan 2024.pdf>"),
    ("zh-Hant", "<附件：00000031-Reisplan 2024.pdf>"),
    ("th", "<แนบ: 00000031-Reisplan 2024.pdf>"),
    ("vi", "<đính kèm: 00000031-Reisplan 2024.pdf>"),
    ("pt-PT", "<anexo: 00000031-Reisplan 2024.pdf>"),
    ("ms", "<dilampir: 00000031-Reisplan 2024.pdf>"),
    ("fa", "<پیوست: 00000031-Reisplan 2024.pdf>"),
    ("ro", "<atașare: 00000031-Reisplan 2024.pdf>"),
    ("hu", "<csatolva: 00000031-Reisplan 2024.pdf>"),
    ("da", "<vedhæftet: 00000031-Reisplan 2024.pdf>"),
    ("nb", "<vedlagt: 00000031-Reisplan 2024.pdf>"),
    ("fi", "<liite: 00000031-Reisplan 2024.pdf>"),
    ("ca", "<adjunt: 00000031-Reisplan 2024.pdf>"),
    ("sk", "<príloha: 00000031-Reisplan 2024.pdf>"),
    ("hr", "<priloženo: 00000031-Reisplan 2024.pdf>"),
    ("bn", "<attached: 00000031-Reisplan 2024.pdf>"),
    ("ur", "<پیوستہ: 00000031-Reisplan 2024.pdf>"),
]
DELETED = [
    ("nl", "Dit bericht is verwijderd"),
    ("nl", "U hebt dit bericht verwijderd"),
    ("nl", "Dit bericht is verwijderd."),
    ("nl", "U hebt dit bericht verwijderd."),
    ("ru", "Данное сообщение удалено"),
    ("ru", "Вы удалили данное сообщение"),
    ("ru", "Данное сообщение удалено."),
    ("ru", "Вы удалили данное сообщение."),
    ("uk", "Це повідомлення було видалено"),
    ("uk", "Ви видалили це повідомлення."),
    ("uk", "Це повідомлення було видалено."),
    ("cs", "Tato zpráva byla odstraněna"),
    ("cs", "Tuto zprávu jste odstranil/a"),
    ("cs", "Tato zpráva byla smazána."),
    ("cs", "Tuto zprávu jste smazal/a."),
    ("pl", "Ta wiadomość została usunięta"),
    ("pl", "Usunąłeś(aś) tę wiadomość"),
    ("pl", "Ta wiadomość została usunięta."),
    ("pl", "Usunąłeś(-ęłaś) tę wiadomość."),
    ("sv", "Detta meddelande raderades"),
    ("sv", "Du raderade detta meddelande"),
    ("sv", "Det här meddelandet raderades."),
    ("sv", "Du raderade det här meddelandet."),
    ("tr", "Bu mesaj silindi"),
    ("tr", "Bu mesajı sildiniz"),
    ("tr", "Bu mesaj silindi."),
    ("tr", "Bu mesajı sildiniz."),
    ("id", "Pesan ini telah dihapus"),
    ("id", "Anda telah menghapus pesan ini"),
    ("id", "Pesan ini dihapus."),
    ("id", "Anda menghapus pesan ini."),
    ("hi", "यह संदेश मिटाया गया"),
    ("hi", "आपने यह संदेश मिटाया"),
    ("hi", "यह मैसेज डिलीट कर दिया गया है."),
    ("hi", "आपने यह मैसेज डिलीट किया."),
    ("ar", "تم حذف هذه الرسالة"),
    ("ar", "أنت حذفت هذه الرسالة"),
    ("ar", "تم حذف هذه الرسالة."),
    ("ar", "لقد حذَفت هذه الرسالة."),
    ("he", "הודעה זו נמחקה"),
    ("he", "מחקת הודעה זו"),
    ("he", "הודעה זו נמחקה."),
    ("he", "מחקת את ההודעה הזו."),
    ("el", "Αυτό το μήνυμα διαγράφηκε"),
    ("el", "Διαγράψατε αυτό το μήνυμα"),
    ("el", "Αυτό το μήνυμα διαγράφηκε."),
    ("el", "Διαγράψατε το μήνυμα."),
    ("ja", "このメッセージは削除されました"),
    ("ja", "このメッセージを削除しました"),
    ("ja", "このメッセージは削除されました。"),
    ("ja", "このメッセージを削除しました。"),
    ("ko", "이 메시지는 삭제되었습니다"),
    ("ko", "삭제한 메시지입니다"),
    ("ko", "이 메시지는 삭제되었습니다."),
    ("ko", "이 메시지를 삭제했습니다."),
    ("zh-Hans", "信息已删除"),
    ("zh-Hans", "您删除这个信息"),
    ("zh-Hans", "这条消息已被删除。"),
    ("zh-Hans", "您已删除这条消息。"),
    ("zh-Hant", "此訊息已刪除。"),
    ("zh-Hant", "您已刪除此訊息"),
    ("zh-Hant", "您已刪除此訊息。"),
    ("th", "ข้อความนี้ได้ถูกลบ"),
    ("th", "คุณลบข้อความนี้"),
    ("th", "ข้อความนี้ถูกลบแล้ว"),
    ("th", "คุณได้ลบข้อความนี้"),
    ("vi", "Tin nhắn này đã bị xoá"),
    ("vi", "Bạn đã xoá tin nhắn này"),
    ("vi", "Tin nhắn này đã bị xóa."),
    ("vi", "Bạn đã xoá tin nhắn này."),
    ("pt-PT", "Esta mensagem foi apagada pelo remetente."),
    ("pt-PT", "Esta mensagem foi apagada."),
    ("pt-PT", "Apagou esta mensagem."),
    ("ms", "Mesej ini telah dipadam"),
    ("ms", "Anda telah memadamkan mesej ini"),
    ("ms", "Mesej ini telah dipadam."),
    ("ms", "Anda telah memadamkan mesej ini."),
    ("fa", "این پیام حذف شد"),
    ("fa", "شما این پیام را حذف کردید."),
    ("fa", "این پیام حذف شده است."),
    ("ro", "Acest mesaj a fost șters"),
    ("ro", "Ați șters acest mesaj"),
    ("ro", "Acest mesaj a fost șters."),
    ("ro", "Ați șters acest mesaj."),
    ("hu", "Ez az üzenet törlésre került"),
    ("hu", "Törölted ezt az üzenetet"),
    ("hu", "Ez az üzenet törlésre került."),
    ("hu", "Törölted ezt az üzenetet."),
    ("da", "Denne besked blev slettet."),
    ("da", "Du slettede denne besked"),
    ("da", "Denne besked er blevet slettet."),
    ("da", "Du har slettet denne besked."),
    ("nb", "Denne meldingen ble slettet."),
    ("nb", "Du slettet denne meldingen"),
    ("nb", "Du slettet denne meldingen."),
    ("fi", "Tämä viesti poistettiin."),
    ("fi", "Poistit tämän viestin"),
    ("fi", "Poistit tämän viestin."),
    ("ca", "Aquest missatge està esborrat"),
    ("ca", "Has esborrat aquest missatge"),
    ("ca", "Aquest missatge s'ha suprimit."),
    ("ca", "Has suprimit aquest missatge."),
    ("sk", "Táto správa bola odstránená"),
    ("sk", "Túto správu ste odstránili"),
    ("sk", "Táto správa bola odstránená."),
    ("sk", "Túto správu ste odstránili."),
    ("hr", "Ova poruka je izbrisana"),
    ("hr", "Izbrisali ste ovu poruku"),
    ("hr", "Ova je poruka izbrisana."),
    ("hr", "Izbrisali ste ovu poruku."),
    ("bn", "এই বার্তাটি মুছে ফেলা হয়েছে"),
    ("bn", "আপনি এই বার্তাটি মুছে ফেলেছেন"),
    ("bn", "এই মেসেজটি বাদ দেওয়া হয়েছে।"),
    ("bn", "আপনি এই মেসেজটি বাদ দিয়েছেন।"),
    ("ur", "یہ پیغام حذف کیا گیا"),
    ("ur", "آپ نے اس پیغام کو حذف کیا"),
    ("ur", "یہ میسج حذف کر دیا گیا ہے۔"),
    ("ur", "آپ نے یہ میسج حذف کر دیا ہے۔"),
]
LOCATION = [
    ("nl", "locatie: https://maps.google.com/?q=52.3731,4.8922"),
    ("ru", "местоположение: https://maps.google.com/?q=52.3731,4.8922"),
    ("uk", "місцезнаходження: https://maps.google.com/?q=52.3731,4.8922"),
    ("cs", "poloha: https://maps.google.com/?q=52.3731,4.8922"),
    ("pl", "położenie: https://maps.google.com/?q=52.3731,4.8922"),
    ("sv", "plats: https://maps.google.com/?q=52.3731,4.8922"),
    ("tr", "konum: https://maps.google.com/?q=52.3731,4.8922"),
    ("id", "lokasi : https://maps.google.com/?q=52.3731,4.8922"),
    ("hi", "स्थान : https://maps.google.com/?q=52.3731,4.8922"),
    ("ar", "الموقع: https://maps.google.com/?q=52.3731,4.8922"),
    ("he", "מיקום: https://maps.google.com/?q=52.3731,4.8922"),
    ("el", "τοποθεσία: https://maps.google.com/?q=52.3731,4.8922"),
    ("ja", "位置情報：https://maps.google.com/?q=52.3731,4.8922"),
    ("ko", "위치: https://maps.google.com/?q=52.3731,4.8922"),
    ("zh-Hans", "位置：https://maps.google.com/?q=52.3731,4.8922"),
    ("zh-Hant", "位置： https://maps.google.com/?q=52.3731,4.8922"),
    ("th", "ตำแหน่งที่ตั้ง: https://maps.google.com/?q=52.3731,4.8922"),
    ("vi", "vị trí: https://maps.google.com/?q=52.3731,4.8922"),
    ("pt-PT", "localização: https://maps.google.com/?q=52.3731,4.8922"),
    ("ms", "lokasi: https://maps.google.com/?q=52.3731,4.8922"),
    ("fa", "موقعیت: https://maps.google.com/?q=52.3731,4.8922"),
    ("ro", "locație: https://maps.google.com/?q=52.3731,4.8922"),
    ("hu", "Helyzet: https://maps.google.com/?q=52.3731,4.8922"),
    ("da", "placering: https://maps.google.com/?q=52.3731,4.8922"),
    ("nb", "posisjon: https://maps.google.com/?q=52.3731,4.8922"),
    ("fi", "sijainti: https://maps.google.com/?q=52.3731,4.8922"),
    ("ca", "ubicació: https://maps.google.com/?q=52.3731,4.8922"),
    ("sk", "poloha: https://maps.google.com/?q=52.3731,4.8922"),
    ("hr", "lokacija: https://maps.google.com/?q=52.3731,4.8922"),
    ("bn", "অবস্থান: https://maps.google.com/?q=52.3731,4.8922"),
    ("ur", "مقام: https://maps.google.com/?q=52.3731,4.8922"),
    ("nl", "live locatie gedeeld"),
    ("ru", "Геоданные отправлены"),
    ("uk", "геодані надіслано"),
    ("cs", "byla sdílena aktuální poloha"),
    ("pl", "udostępniona transmisja położenia"),
    ("sv", "liveposition delad"),
    ("tr", "Mevcut konum paylaşıldı"),
    ("id", "Lokasi terkini dibagikan"),
    ("hi", "लाइव स्थान साझा किया गया"),
    ("ar", "تمت مشاركة الموقع المباشر"),
    ("he", "משתף מיקום בשידור חי"),
    ("el", "η τωρινή τοποθεσία κοινοποιήθηκε"),
    ("ja", "ライブロケーション共有"),
    ("ko", "공유한 실시간 위치"),
    ("zh-Hans", "共享实时位置"),
    ("zh-Hant", "實時位置已分享"),
    ("th", "ตำแหน่งปัจจุบันถูกแบ่งปัน"),
    ("vi", "vị trí hiện thời được chia sẻ"),
    ("pt-PT", "Está a partilhar a sua localização"),
    ("ms", "lokasi terkini dikongsi"),
    ("fa", "مکان زنده به اشتراک گذاشته شد"),
    ("ro", "locație în timp real distribuită"),
    ("hu", "tartózkodási hely megosztva"),
    ("da", "live placering delt"),
    ("nb", "posisjon i sanntid delt"),
    ("fi", "live-sijainti jaettu"),
    ("ca", "Ubicació en directe compartida"),
    ("sk", "bola zdieľaná aktuálna poloha"),
    ("hr", "trenutna lokacija podijeljena"),
    ("bn", "লাইভ অবস্থান শেয়ার করা হয়েছে"),
    ("ur", "جاری مقام کا اشتراک ہوا"),
]
CONTACT = [
    ("nl", "Visitekaartje weggelaten"),
    ("ru", "Карточка контакта отсутствует"),
    ("uk", "Картка контакту відсутня"),
    ("cs", "Vizitka vynechána"),
    ("pl", "Pominięta wizytówka kontaktu"),
    ("sv", "Kontaktkort uteslutet"),
    ("tr", "Kişi kartı dahil edilmedi"),
    ("id", "Kartu kontak tidak disertakan"),
    ("hi", "कॉन्टैक्ट कार्ड छोड़ा गया"),
    ("ar", "لم يتم إدراج بطاقة جهة اتصال"),
    ("he", "כרטיס איש קשר הושמט"),
    ("el", "Η κάρτα επαφής παραλήφθηκε"),
    ("ja", "連絡先カードを省略"),
    ("ko", "연락처 카드 생략됨"),
    ("zh-Hans", "联系人卡片已忽略"),
    ("zh-Hant", "聯絡人卡片已省略"),
    ("th", "บัตรรายชื่อที่ละเว้น"),
    ("vi", "Bỏ qua thẻ liên lạc"),
    ("pt-PT", "Contacto não revelado"),
    ("ms", "Kad kenalan tidak dimasukkan"),
    ("fa", "برگ مخاطب حذف شد."),
    ("ro", "Carte de vizită contact omisă"),
    ("hu", "Névjegykártya kihagyva"),
    ("da", "Kontaktkort udeladt"),
    ("nb", "Kontaktkort sløyfet"),
    ("fi", "Yhteystietokortti jätettiin pois"),
    ("ca", "Targeta de contacte omesa"),
    ("sk", "Karta kontaktu vynechaná"),
    ("hr", "Posjetnica izostavljena"),
    ("bn", "পরিচিতির কার্ড বাদ দেওয়া হয়েছে"),
    ("ur", "رابطہ کارڈ نظر انداز"),
]
EDITED = [(lang, word) for lang, table in sorted(LANGUAGES.items()) for word in table.get("edited", [])]
POLL = [
    ("en", "POLL:\nLunch on Friday?\nOPTION: pizza (2 votes)\nOPTION: sushi (0 votes)"),
    ("pt", "ENQUETE:\nAlmoço na sexta?\nOPÇÃO: pizza (2 votos)"),
    ("es", "ENCUESTA:\n¿Almuerzo el viernes?\nOPCIÓN: pizza (2 votos)"),
    ("de", "UMFRAGE:\nMittagessen am Freitag?\nOPTION: Pizza (2 Stimmen)"),
    ("fr", "SONDAGE:\nDéjeuner vendredi ?\nOPTION: pizza (2 votes)"),
    ("it", "SONDAGGIO:\nPranzo venerdì?\nOPZIONE: pizza (2 voti)"),
]
FAMILIES = {
    "media omitted": (MEDIA_OMITTED, "media", lambda body: None),
    # Persian puts the words before the name: one pattern with one name group cannot take both
    # orders, so there a WhatsApp file name decides (FILE_NAMES below), without the words.
    "file attached": ([c for c in ATTACHED if c[1].startswith("Reisplan")], "media", lambda body: "Reisplan 2024.pdf"),
    "iOS attachment": (ATTACHED_IOS, "media", lambda body: "00000031-Reisplan 2024.pdf"),
    "deleted": (DELETED, "deleted", lambda body: None),
    "location": (LOCATION, "location", lambda body: None),
    "contact card": (CONTACT, "contact", lambda body: None),
    "poll": (POLL, "poll", lambda body: None),
}


@pytest.mark.parametrize("shape", HEADS)
@pytest.mark.parametrize("family", FAMILIES)
def test_kinds_in_every_language(family, shape):
    cases, kind, attachment = FAMILIES[family]
    assert not mismatches(cases, shape, kind, attachment)


@pytest.mark.parametrize("family", [f for f in FAMILIES if f != "poll"])
def test_each_family_covers_twenty_languages(family):
    assert len({lang for lang, _ in FAMILIES[family][0]}) >= 20


@pytest.mark.parametrize("shape", HEADS)
def test_edited_marker_in_every_language_that_has_one(shape):
    rows = parsed([f"klaar {word}" for _, word in EDITED], shape)
    assert [(r["message"], r["kind"]) for r in rows] == [("klaar", "edited")] * len(EDITED)


ISSUE_EXAMPLES = [  # the lines issue 21 quotes, around our own names
    ("<Media weggelaten>", "media", None),
    ("Reisplan.pdf (bestand bijgevoegd)", "media", "Reisplan.pdf"),
    ("여행.pdf (파일 첨부됨)", "media", "여행.pdf"),
    (f"{LRM}изображение отсутствует", "media", None),
]
# A WhatsApp file name says "media" whatever words surround it, in a language no table holds.
FILE_NAMES = [  # (line, kind, the attachment the parser records)
    ("IMG-20240312-WA0007.jpg (tiedosto liitteenä tuntematon)", "media", "IMG-20240312-WA0007.jpg"),
    ("PTT-20240312-WA0008.opus", "media", "PTT-20240312-WA0008.opus"),
    ("STK-20240312-WA0009.webp", "media", "STK-20240312-WA0009.webp"),
    ("VID-20240312-WA0010.mp4 (ukjent ord)\nse her", "media", "VID-20240312-WA0010.mp4"),
    ("AUD-20240312-WA0011.m4a", "media", "AUD-20240312-WA0011.m4a"),
    ("DOC-20240312-WA0012.pdf (unknown words)", "media", "DOC-20240312-WA0012.pdf"),
    (f"{LRM}00000012-PHOTO-2024-03-12-09-41-05.jpg", "media", "00000012-PHOTO-2024-03-12-09-41-05.jpg"),
    ("<kiambatisho: 00000013-AUDIO-2024-03-12-09-41-05.opus>", "media", "00000013-AUDIO-2024-03-12-09-41-05.opus"),
    (f"{LRM}<00000014-STICKER-2024-03-12-09-41-05.webp ekli>", "media", "00000014-STICKER-2024-03-12-09-41-05.webp"),
    ("I saved it as https://example.com/IMG-20240312-WA0007.jpg", "text", None),
    ("فایل پیوست شد IMG-20240312-WA0013.jpg", "media", "IMG-20240312-WA0013.jpg"),
    ("<not a file>", "text", None),
    ("<https://example.com/a.html>", "text", None),
]
DOCUMENTS = [  # a document's name and page count before the attachment (iOS), or its name (Android)
    (f"{LRM}Reisplan.pdf • {LRM}3 pagina's {LRM}<bijgevoegd: 00000021-Reisplan.pdf>", "00000021-Reisplan.pdf"),
    ("Plan.pdf • 12 страниц <прикреплено: 00000022-Plan.pdf>", "00000022-Plan.pdf"),
    ("Plan.pdf • 2 pages <attached: 00000023-Plan.pdf>", "00000023-Plan.pdf"),
    ("Plan.pdf • 3 Seiten (Datei angehängt)", "Plan.pdf"),
    ("Rapor.pdf • 4 sayfa <00000024-Rapor.pdf eklendi>", "00000024-Rapor.pdf"),
    ("<00000015-Reisplan.pdf eklendi>", "00000015-Reisplan.pdf"),
    ("Plan.pdf • 3 páginas documento omitido", None),
    ("Plan.pdf • 3 pages document omitted", None),
]


@pytest.mark.parametrize("shape", HEADS)
def test_issue_examples_and_file_names(shape):
    cases = [(body, kind, att) for body, kind, att in ISSUE_EXAMPLES]
    cases += FILE_NAMES
    cases += [(body, "media", att) for body, att in DOCUMENTS]
    rows = parsed([body for body, _, _ in cases], shape)
    got = [(r["kind"], r["attachment"]) for r in rows]
    assert got == [(kind, att) for _, kind, att in cases]


def test_a_file_name_alone_links_the_zip_member():
    members = ["WhatsApp Chat/00000021-Reisplan.pdf"]
    body = "Reisplan.pdf • 3 pagina's <bijgevoegd: 00000021-Reisplan.pdf>"
    rows = parse_chat(f"[12/03/2024, 09:41:05] {WRITER}: {body}\n", media_members=members).messages.to_pylist()
    assert rows[0]["attachment"] == members[0]


# --- notices: WhatsApp's words, our people -------------------------------------------------------
# {w} writes; {s} and {o} never do; {n} is a number. Each notice names exactly those it holds.
NAMES = {"w": WRITER, "s": "Lukas Brandstätter", "o": "Zoë Okafor", "n": "+49 1512 3456789"}
NOTICES = {
    "nl": [
        "{w} heeft {s} en {o} toegevoegd",
        "{w} heeft {s} verwijderd",
        "{s} heeft de groep verlaten",
        "{s} heeft de groep Trilhas 2026 gemaakt",
        "{s} heeft het onderwerp gewijzigd naar “Trilhas 2026”",
        "{s} heeft de groepsafbeelding gewijzigd",
        "{s} heeft de groepsomschrijving gewijzigd. Tik om te bekijken.",
        "{s} is deelnemer geworden via de uitnodigingslink van deze groep",
        "Uw beveiligingscode voor {s} is gewijzigd.",
        "{n} heeft een nieuw telefoonnummer.",
        "{s} heeft berichten met vervaldatum ingeschakeld. Alle nieuwe berichten verdwijnen 7 uur nadat ze zijn verstuurd uit deze chat. Tik om te wijzigen",
        "Berichten en gesprekken worden end-to-end versleuteld. Niemand buiten deze chat kan ze lezen of beluisteren, zelfs WhatsApp niet.",
        "U bent nu een beheerder",
        "U hebt {s} toegevoegd",
        "{s} heeft u verwijderd",
    ],
    "ru": [
        "{w} добавил(-а) {s} и {o}",
        "{w} удалил(-а) {s}",
        "{s} покинул(-а) группу",
        "{s} создал(-а) группу “Trilhas 2026”",
        "{s} изменил(-а) тему на “Trilhas 2026”",
        "{s} изменил(-а) картинку группы",
        "{s} изменил(-а) описание группы. Нажмите для просмотра.",
        "{s} вступил(-а) в группу, используя приглашение",
        "Ваш код безопасности с контактом {s} изменился.",
        "{n} сменил(-а) номер телефона.",
        "{s} включил(-а) исчезающие сообщения. Все новые сообщения исчезнут из\xa0этого чата через 7 часа после отправки. Нажмите, чтобы изменить.",
        "Сообщения и звонки защищены сквозным шифрованием. Третьи лица, включая WhatsApp, не\xa0могут прочитать ваши сообщения или прослушать звонки.",
        "Теперь вы админ",
        "Вы добавили контакт {s}",
        "{s} удалил(-а) вас",
    ],
    "uk": [
        "{w} додав(-ла) {s} та {o}",
        "Учасник {w} вилучив учасника {s}",
        "{s} вийшов(-ла) з групи",
        "{s} створив(-ла) групу «Trilhas 2026»",
        "Учасник {s} змінив тему на «Trilhas 2026»",
        "{s} змінив(-ла) значок групи",
        "{s} змінив(-ла) опис групи. Торкніться, щоб переглянути.",
        "{s} приєднався(-лася) до групи, використавши запрошення",
        "Код безпеки з контактом {s} змінився.",
        "{n} змінив(-ла) номер телефону на новий.",
        "Користувач {s} увімкнув тимчасові повідомлення. Усі нові повідомлення зникатимуть із цієї бесіди через 7 години після надсилання. Торкніться, щоб змінити",
        "Повідомлення й дзвінки захищено наскрізним шифруванням. Прочитати чи прослухати їх не зможе жодна стороння особа, навіть із WhatsApp.",
        "Тепер ви адміністратор",
        "Ви додали {s}",
        "Учасник {s} вилучив вас",
    ],
    "cs": [
        "{w} přidal/a uživatele {s} a {o}.",
        "{w} odebral/a uživatele {s}.",
        "{s} opustil/a skupinu.",
        "{s} vytvořil/a skupinu Trilhas 2026.",
        "{s} změnil/a téma skupiny na „Trilhas 2026“.",
        "{s} změnil/a ikonu této skupiny.",
        "{s} změnil/a popis skupiny. Klepnutím zobrazíte podrobnosti.",
        "{s} se připojil/a k této skupině pomocí zvacího odkazu.",
        "Bezpečnostní kód mezi vámi a\xa0uživatelem {s} byl změněn.",
        "{n} změnil/a své telefonní číslo na nové číslo.",
        "{s} zapnul/a automatické odstraňování zpráv. Všechny nové zprávy budou z\xa0tohoto chatu 7\xa0hodiny po odeslání odstraněny. Klepnutím nastavení změníte.",
        "Zprávy a hovory jsou opatřeny koncovým šifrováním. Nikdo, kdo není přímým účastníkem této konverzace, ji nemůže sledovat ani poslouchat. Dokonce ani WhatsApp.",
        "Nyní jste správcem skupiny.",
        "Přidal/a jste uživatele {s}.",
        "{s} vás odebral/a.",
    ],
    "pl": [
        "{w} dodał(a) użytkowników {s} i {o}",
        "{w} usunął(-ęła) {s}",
        "{s} opuścił(a) grupę",
        "{s} utworzył(a) grupę „Trilhas 2026”",
        "{s} zmienił(a) temat na „Trilhas 2026”",
        "{s} zmienił(a) ikonę tej grupy",
        "{s} zmienił(a) opis grupy. Stuknij, aby wyświetlić.",
        "{s} dołączył(a) do grupy, używając linku z zaproszeniem",
        "Twój kod zabezpieczeń z użytkownikiem {s} zmienił się.",
        "{n} zmienił(a) swój numer na nowy.",
        "{s} włączył(a) znikające wiadomości. Wszystkie nowe wiadomości znikną z tego czatu po 7 godzinach od wysłania. Stuknij, aby to zmienić.",
        "Wiadomości i połączenia są w pełni zaszyfrowane. Nikt spoza czatu, nawet WhatsApp, nie może ich odczytać ani odsłuchać.",
        "Jesteś teraz administratorem grupy",
        "Dodałeś(-aś): {s}",
        "{s} usunął(-ęła) Cię",
    ],
    "sv": [
        "{w} lade till {s} och {o}",
        "{w} tog bort {s}",
        "{s} lämnade",
        "{s} skapade gruppen “Trilhas 2026”",
        "{s} ändrade ämnet till “Trilhas 2026”",
        "{s} ändrade gruppens ikon",
        "{s} ändrade gruppens beskrivning. Tryck för att visa.",
        "{s} anslöt genom att använda gruppens inbjudningslänk",
        "För att kontrollera en kontakts säkerhetskod öppnar du sidan för deras Kontaktinfo och trycker “{s}”.",
        "{n}\xa0ändrade sitt telefonnummer till ett nytt nummer.",
        "{s} aktiverade försvinnande meddelanden. Alla nya meddelanden försvinner från den här chatten 7 timmar efter att de har skickats. Tryck för att ändra.",
        "Meddelanden och samtal är komplett krypterade. Ingen utanför denna chatt, inte ens WhatsApp, kan läsa dem eller lyssna på dem.",
        "Du är nu administratör",
        "Du lade till  {s}",
        "{s} tog bort dig",
    ],
    "tr": [
        "{w}, {s} ve {o} kişisini ekledi",
        "{w}, {s} kişisini çıkardı",
        "{s} ayrıldı",
        "{s} “Trilhas 2026” grubunu oluşturdu.",
        "{s} konuyu “Trilhas 2026” olarak değiştirdi",
        "{s} bu grubun simgesini değiştirdi",
        "{s} grup açıklamasını değiştirdi. Görmek için dokunun.",
        "{s} bu grubun davet bağlantısını kullanarak katıldı",
        "{s} ile aranızdaki güvenlik kodu değişti.",
        "{n} telefon numarasını yeni bir numaraya değiştirdi.",
        "{s} süreli mesajları etkinleştirdi. Tüm yeni mesajlar, gönderildikten 7 saat sonra bu sohbetten kaybolacak. Değiştirmek için dokunun",
        "Mesajlar ve aramalar uçtan uca şifrelidir. WhatsApp da dahil olmak üzere bu sohbetin dışında bulunan hiç kimse mesaj ve aramalarınızı okuyamaz ve dinleyemez.",
        "Artık yöneticisiniz",
        "{s} kişisini eklediniz",
        "{s} sizi çıkardı",
    ],
    "id": [
        "{w} menambahkan {s} dan {o}",
        "{w} mengeluarkan {s}",
        "{s} keluar",
        "{s} membuat grup “Trilhas 2026”",
        "{s} telah mengubah subjek menjadi “Trilhas 2026”",
        "{s} mengubah ikon grup ini",
        "{s} mengubah deskripsi grup. Ketuk untuk melihat.",
        "{s} bergabung menggunakan tautan undangan grup ini",
        "Kode keamanan Anda dengan {s} telah berubah.",
        "{n} telah mengganti nomor teleponnya ke nomor baru.",
        "{s} menyalakan pesan sementara.",
        "Pesan dan panggilan terenkripsi secara end-to-end. Tidak seorang pun di luar chat ini, termasuk WhatsApp, yang dapat membaca atau mendengarkannya.",
        "Anda sekarang admin",
        "Anda menambahkan {s}",
        "{s} mengeluarkan Anda",
    ],
    "hi": [
        "{w} ने {s} और {o} को शामिल किया",
        "{w} ने {s} को हटाया",
        "{s} ने छोड़ा",
        "{s} ने ग्रुप “Trilhas 2026” बनाया",
        "{s} ने ग्रुप का नाम बदलकर “Trilhas 2026” किया",
        "{s} ने इस ग्रुप की फ़ोटो बदली",
        "{s} ने ग्रुप का वर्णन बदला, देखने के लिए टैप करें.",
        "{s} आमंत्रण लिंक का इस्तेमाल करके ग्रुप में शामिल हुए/हुईं",
        "{s} के लिए आपका सुरक्षा कोड बदल गया है.",
        "{n} ने अपना फ़ोन नंबर बदला है.",
        "{s} ने 'गायब होने वाले मैसेज' मोड को ऑन किया. अब इस चैट पर भेजे गए सभी नए मैसेजेस 7 घंटे बाद गायब हो जाएँगे. यह सेटिंग बदलने के लिए टैप करें",
        "मैसेजेस और कॉल्स एंड-टू-एंड एन्क्रिप्टेड हैं. इस चैट में शामिल लोगों के अलावा कोई भी इन्हें पढ़ या सुन नहीं सकता, WhatsApp भी नहीं.",
        "आप अब एडमिन हैं",
        "आपने {s} को शामिल किया",
        "{s} ने आपको हटाया",
    ],
    "ar": [
        "{w} أضاف {s} و{o}",
        "{w} أزال {s}",
        "{s} غادر المجموعة",
        '{s} أنشأ مجموعة "Trilhas 2026"',
        '{s} غيّر اسم المجموعة إلى "Trilhas 2026"',
        "{s} غيّر أيقونة هذه المجموعة",
        "{s} غيّر وصف المجموعة. انقر للاطلاع على التغيير.",
        "{s} انضم إلى المجموعة عبر استخدام رابط الدعوة الخاص بها",
        "تغيّر رمز أمانك المُستخدَم مع {s}.",
        "{n} غيّر رقم هاتفه إلى رقم جديد.",
        "فعّلت جهة الاتصال {s} خاصية الرسائل ذاتية الاختفاء. ستختفي جميع الرسائل الجديدة من هذه الدردشة بعد ساعة 7 من إرسالها. انقر للتغيير.",
        "الرسائل والمكالمات مشفرة تمامًا بين الطرفين، بحيث لا يستطيع أحد خارج هذه الدردشة، ولا حتى شركة واتساب نفسها، قراءتها أو الاستماع إليها.",
        "أصبحت الآن مشرفاً",
        "أنت أضفت {s}",
        "{s} أزالك",
    ],
    "he": [
        "{w} צירף/ה את {s} ו-{o}",
        "{w} הסיר/ה את {s}",
        "{s} עזב/ה.",
        'הקבוצה "Trilhas 2026" נוצרה על ידי {s}',
        'הנושא שונה ל-"Trilhas 2026" ע״י {s}',
        "תמונת הקבוצה הוחלפה על-ידי {s}",
        "{s} שינה/תה את תיאור הקבוצה. הקש/י לצפייה.",
        "ההצטרפות של {s} בוצעה באמצעות קישור ההזמנה לקבוצה",
        "קוד האבטחה עם {s} שונה.",
        "{n} החליף/ה את מספר הטלפון למספר חדש.",
        "ההגדרה של הודעות זמניות הופעלה על ידי {s}, לכן כל ההודעות החדשות ייעלמו מהצ'אט הזה שעתיים אחרי שליחתן. כדי לשנות את ההגדרה יש להקיש כאן",
        "ההודעות והשיחות מוצפנות מקצה-לקצה. לאף אחד מחוץ לצ'אט זה, גם לא ל-WhatsApp, אין אפשרות לקרוא אותן או להאזין להן.",
        "הינך מנהל/ת קבוצה כעת.",
        "צירפת את {s}",
        "{s} הסיר/ה אותך",
    ],
    "el": [
        "{w} πρόσθεσε {s} και {o}",
        "{w} αφαίρεσε {s}",
        "{s} αποσυνδέθηκε",
        "{s} δημιούργησε την ομάδα “Trilhas 2026”",
        "{s} άλλαξε το θέμα σε “Trilhas 2026”",
        "{s} άλλαξε το εικονίδιο αυτής της ομάδας",
        "{s} άλλαξε την ονομασία της ομάδας. Πατήστε για προβολή.",
        "{s} συμμετέχει χρησιμοποιώντας τον σύνδεσμο πρόσκλησης της ομάδας",
        "Ο κωδικός ασφαλείας σας με {s} άλλαξε.",
        "{n} άλλαξε το αριθμό τηλεφώνου του σε νέο αριθμό.",
        "Ο χρήστης {s} ενεργοποίησε τα εφήμερα μηνύματα. Όλα τα νέα μηνύματα θα εξαφανίζονται από αυτήν τη συνομιλία 7 ώρες αφού σταλούν. Πατήστε για αλλαγή",
        "Τα μηνύματα και οι κλήσεις κρυπτογραφούνται πλήρως. Κανένας εκτός αυτής της συνομιλίας, ούτε το WhatsApp, δεν μπορεί να τα διαβάσει ή να τις ακούσει.",
        "Είστε τώρα διαχειριστής",
        "Προσθέσατε {s}",
        "{s} σας κατάργησε",
    ],
    "ja": [
        "{w}が{s} および {o}を追加",
        "{w}が{s}を削除しました",
        "{s}が退出しました",
        "{s}がグループ「Trilhas 2026」を作成しました",
        "{s} がグループ名を「Trilhas 2026」に変更しました",
        "{s}がグループアイコンを変更しました",
        "{s}がグループの説明を変更しました。タップして表示。",
        "{s}が招待リンクからグループに参加しました",
        "{s}とのセキュリティコードが変更されました。",
        "{n}が電話番号を変更しました。",
        "{s}が消えるメッセージをオンにしました。",
        "メッセージと通話はエンドツーエンド暗号化されています。チャットの参加者以外は、たとえWhatsAppでも読んだり聞いたりすることはできません。",
        "管理者になりました",
        "{s}を追加しました",
        "{s}があなたを削除しました",
    ],
    "ko": [
        "{w}님이 {s} 님과 {o}을(를) 추가했습니다",
        "{w}님이 {s}님을 퇴장시켰습니다",
        "{s}님이 그룹에서 나갔습니다",
        "{s}님이 “Trilhas 2026” 그룹을 만들었습니다.",
        "{s}님이 그룹 이름을 “Trilhas 2026”(으)로 변경했습니다.",
        "{s}님이 그룹 아이콘을 변경했습니다",
        "{s}님이 그룹 설명을 변경했습니다. 보려면 탭하세요.",
        "{s}님이 이 그룹 초대 링크로 참여했습니다",
        "{s}님과의 보안 코드가 변경되었습니다.",
        "{n}님이 휴대전화 번호를 새로운 번호로 변경되었습니다.",
        "{s}님이 자동삭제 메시지 설정을 켰습니다.",
        "메시지 및 전화는 종단간 암호화되어 안전합니다. 아무도 엿보거나 들을 수 없습니다. WhatsApp에게도 이러한 권한이 없습니다.",
        "회원님은 이제 관리자입니다",
        "{s}님을 추가했습니다",
        "{s}님이 회원님을 퇴장시켰습니다",
    ],
    "zh-Hans": [
        "{w} 添加了 {s} 和 {o}",
        "{w} 移除了 {s}",
        "{s} 退出了",
        "{s} 创建了 “Trilhas 2026” 群组",
        "{s} 已更改主题为 “Trilhas 2026”",
        "{s} 更改了本群组的图标",
        "{s} 更改了群组描述。点击以查看。",
        "{s} 使用了群组邀请链接加入群组",
        "您和 {s} 的安全代码已更改。",
        "{n} 更改电话号码为新号码。",
        "{s} 已开启限时消息功能。",
        "消息和通话都进行端到端加密。对话之外的任何人，甚至包含 WhatsApp，都无法读取或收听。",
        "您已成为群组管理员",
        "您添加了 {s}",
        "{s} 移除了您",
    ],
    "zh-Hant": [
        "{w} 新增了 {s} 和 {o}",
        "{w} 移除了 {s}",
        "{s} 退出了",
        "{s} 建立了「Trilhas 2026」群組",
        "{s} 已變更主題為 “Trilhas 2026”",
        "{s} 更改了本群組的圖標",
        "{s} 更改了群組描述。點擊以檢視。",
        "{s} 使用了群組邀請連結加入群組",
        "您與 {s} 的安全碼已變更。",
        "{n} 變更電話號碼為新號碼",
        "{s} 已開啟限時訊息模式。",
        "訊息已受端對端加密保護。此對話以外所有人，包括 WhatsApp 在內，都無法讀取或聽取。",
        "您已成為群組管理員",
        "您新增了 {s}",
        "{s} 移除了您",
    ],
    "th": [
        "{w} ได้เพิ่ม {s} และ {o} เข้ากลุ่ม",
        "{w} ได้ลบ {s} ออก",
        "{s} ออกจากกลุ่ม",
        "{s} ได้สร้างกลุ่ม “Trilhas 2026”",
        "{s} เปลี่ยนหัวข้อเป็น “Trilhas 2026”",
        "{s} ได้เปลี่ยนไอคอนกลุ่มนี้แล้ว",
        "{s} ได้เปลี่ยนคำอธิบายกลุ่ม แตะเพื่อดู",
        "{s} เข้าร่วมกลุ่มโดยใช้ลิงก์เชิญของกลุ่มนี้",
        "รหัสความปลอดภัยของคุณกับ {s} มีการเปลี่ยนแปลง",
        "{n} ได้เปลี่ยนหมายเลขโทรศัพท์เป็นหมายเลขใหม่",
        "{s} ได้เปิดใช้งานข้อความชั่วคราว",
        "ข้อความและการโทรได้รับการเข้ารหัสจากต้นทางถึงปลายทาง ผู้ที่ไม่ได้อยู่ในแชทนี้จะไม่สามารถอ่านหรือฟังได้แม้แต่ WhatsApp เอง",
        "คุณเป็นผู้ดูแลกลุ่มแล้วในขณะนี้",
        "คุณได้เพิ่ม {s} เข้ากลุ่ม",
        "{s} ได้ลบคุณออก",
    ],
    "vi": [
        "{w} đã thêm {s} và {o}",
        "{w} đã bỏ {s} khỏi nhóm",
        "{s} đã rời nhóm",
        "{s} đã tạo nhóm “Trilhas 2026”",
        "{s} đã đổi tên thành “Trilhas 2026”",
        "{s} đã thay đổi biểu tượng của nhóm này",
        "{s} đã thay đổi mô tả nhóm. Nhấn để xem.",
        "{s} đã tham gia liên kết mời của nhóm này",
        "Mã bảo mật của bạn với {s} đã thay đổi.",
        "{n} đã đổi sang số điện thoại mới.",
        "{s} đã bật tính năng tin nhắn tự hủy.",
        "Tin nhắn và cuộc gọi được mã hóa đầu cuối. Những người bên ngoài cuộc trò chuyện này, kể cả WhatsApp, sẽ không đọc hoặc nghe được.",
        "Bạn hiện là quản trị viên",
        "Bạn đã thêm {s}",
        "{s} đã bỏ bạn khỏi nhóm",
    ],
    "pt-PT": [
        "{w} adicionou {s} e {o} a este grupo",
        "{w} removeu {s} do grupo",
        "{s} saiu do grupo",
        "{s} criou o grupo “Trilhas 2026”",
        "O título do grupo foi alterado para “Trilhas 2026” por {s}",
        "{s} alterou o ícone deste grupo",
        "{s} alterou a descrição do grupo. Toque para ver.",
        "{s} entrou no grupo através da ligação de convite",
        "O seu código de segurança partilhado com {s} mudou.",
        "{n} mudou de número de telemóvel.",
        "{s} ativou as mensagens temporárias. Todas as novas mensagens vão desaparecer da conversa 7 horas após o envio. Toque para alterar.",
        "As mensagens e chamadas são encriptadas ponto a ponto. Ninguém fora desta conversa, nem mesmo o WhatsApp, pode ler ou ouvi-las.",
        "Passou a ser administrador/a deste grupo",
        "Adicionou {s} a este grupo",
        "Foi removido do grupo por {s}",
    ],
    "ms": [
        "{w} memasukkan {s} dan {o}",
        "{w} mengeluarkan {s}",
        "{s} keluar",
        "{s} telah mencipta grup “Trilhas 2026”",
        "{s} mengubah subjek kepada “Trilhas 2026”",
        "{s} mengubah ikon grup ini",
        "{s} telah menukar deskripsi kumpulan. Ketik untuk lihat.",
        "{s} menyertai menggunakan pautan undangan grup ini",
        "Kod keselamatan anda dengan {s} telah berubah.",
        "{n} telah mengubah nombor telefonnya ke nombor baru.",
        "{s} telah menghidupkan ciri mesej menghilang.",
        "Mesej dan panggilan disulitkan hujung ke hujung. Tiada orang luar daripada sembang ini dapat membaca atau mendengar mesej, walaupun WhatsApp sendiri.",
        "Anda kini adalah pentadbir",
        "Anda memasukkan {s}",
        "{s} mengeluarkan anda",
    ],
    "fa": [
        "{s} و {o} توسط {w} اضافه شد",
        "{w} {s} را حذف کرد",
        "{s} گروه را ترک کرد",
        "{s} گروه «Trilhas 2026» را ایجاد کرد",
        "{s} موضوع را به «Trilhas 2026» تغییر داد",
        "{s} علامت این گروه را تغییر داد",
        "{s} شرح گروه را تغییر داد. برای مشاهده اینجا بزنید.",
        "{s} با لینک دعوت به گروه پیوست",
        "کد امنیتی شما با {s} تغییر کرد.",
        "{n} شماره خود را تغییر داد.",
        "{s} پیام\u200cهای مدت\u200cدار را فعال کرد. همه پیام\u200cهای جدید در این گفتگو، بعد از 7 ساعت از زمان ارسال ناپدید خواهند شد. برای تغییر آن، ضربه بزنید.",
        "پیام\u200cها و تماس\u200cها سرتاسر رمزگذاری شده\u200cاند. هیچ شخصی خارج از این گفتگو، حتی واتساپ، نمی\u200cتواند آن\u200cها را بخواند یا بشنود.",
        "شما اکنون مدیر این گروه هستید",
        "شما  {s} را اضافه کردید",
        "{s} شما را حذف كرد",
    ],
    "ro": [
        "{w} a adăugat în grup pe {s} și {o}",
        "{w} a eliminat din grup pe {s}",
        "{s} a ieșit din grup",
        "{s} a creat grupul „Trilhas 2026”",
        "{s} a schimbat subiectul grupului în „Trilhas 2026”",
        "{s} a schimbat imaginea grupului",
        "{s} a schimbat descrierea grupului. Atingeți pentru a afișa.",
        "{s} a intrat în grup prin linkul de invitație",
        "Codul dvs. de securitate cu {s} s-a schimbat.",
        "{n} și-a schimbat numărul de telefon.",
        "{s} a activat mesajele temporare. Toate mesajele noi vor dispărea din această conversație după 7 ore de la trimiterea lor. Atingeți pentru a schimba",
        "Mesajele și apelurile sunt criptate integral. Nicio persoană care nu participă la această conversație, nici măcar WhatsApp, nu le poate citi sau asculta.",
        "Acum sunteți admin",
        "Ați adăugat în grup pe {s}",
        "{s} v-a eliminat din grup",
    ],
    "hu": [
        "{w} hozzáadta őket: {s} és {o}",
        "{w} eltávolította {s}",
        "{s} kilépett",
        "{s} létrehozott egy csoportot: “Trilhas 2026”",
        "{s} megváltoztatta a témát erre: “Trilhas 2026”",
        "{s} kicserélte a csoport ikonját",
        "{s} megváltoztatta a csoport leírását. Koppints a megtekintéshez.",
        "{s} csatlakozott a csoporthoz a meghívólink segítségével.",
        "{s} biztonsági kódja megváltozott.",
        "{n} megváltoztatta a telefonszámát egy újra.",
        "{s} bekapcsolta az eltűnő üzeneteket. Minden új üzenet eltűnik ebből a csevegésből 7 órával az elküldése után. A módosításához koppints ide",
        "Az üzenetek és hívások végpontok közötti titkosítással vannak védve. A csevegés résztvevőin kívül senki, még a WhatsApp sem tudja elolvasni és meghallgatni azokat.",
        "Admin lettél",
        "Csoporthoz hozzáadva: {s}",
        "{s} eltávolított téged",
    ],
    "da": [
        "{w} har tilføjet {s} og {o}",
        "{w} har fjernet {s}",
        "{s} har forladt gruppen",
        "{s} har oprettet gruppen Trilhas 2026",
        "{s} har ændret emnet til Trilhas 2026",
        "{s} har ændret denne gruppes ikon",
        "{s} har ændret gruppebeskrivelsen. Tryk for at se.",
        "{s} deltager ved brug af denne gruppes invitationslink",
        "Din sikkerhedskode for {s} har ændret sig.",
        "{n} har ændret sit telefonnummer til et nyt nummer.",
        "{s} har slået forsvindende beskeder til. Alle nye beskeder forsvinder fra denne chat 7 timer efter, de er sendt. Tryk for at ændre dette.",
        "Beskeder og opkald er end-to-end-krypterede. Ingen uden for denne chat, selv ikke WhatsApp, kan læse eller høre dem.",
        "Du er nu administrator",
        "Du har tilføjet {s}",
        "{s} har fjernet dig",
    ],
    "nb": [
        "{w} la til {s} og {o}",
        "{w} fjernet {s}",
        "{s} forlot",
        "{s} opprettet gruppen “Trilhas 2026”",
        "{s} endret emnet til “Trilhas 2026”",
        "{s} endret gruppebildet i denne gruppen",
        "{s} endret gruppebeskrivelsen. Trykk for å se.",
        "{s} ble med ved hjelp av denne gruppens invitasjonslenke",
        "Sikkerhetskoden med {s} ble endret.",
        "{n} endret telefonnummeret sitt.",
        "{s} slo på meldinger som forsvinner. Alle nye meldinger vil forsvinne fra denne samtalen 7 timer etter at de er sendt. Trykk for å endre",
        "Meldinger og samtaler er ende-til-ende-krypterte. Ingen utenfor samtalen, ikke engang WhatsApp, kan lese eller høre på dem.",
        "Du er nå en administrator",
        "Du la til {s}",
        "{s} fjernet deg",
    ],
    "fi": [
        "{w} lisäsi henkilöt {s} ja {o}",
        "{w} poisti henkilön {s}",
        "{s} poistui",
        "{s} loi ryhmän “Trilhas 2026”",
        "{s} vaihtoi aiheeksi “Trilhas 2026”",
        "{s} muutti ryhmän kuvakkeen",
        "{s} muutti ryhmän kuvausta. Tarkastele napauttamalla.",
        "{s}\xa0liittyi ryhmään kutsulinkillä",
        "Turvanumerosi muuttui henkilön {s} kanssa.",
        "{n} vaihtoi puhelinnumeroaan.",
        "{s} otti katoavat viestit käyttöön. Kaikki uudet viestit katoavat tästä keskustelusta 7 tuntia niiden lähettämisen jälkeen. Muuta tätä napauttamalla.",
        "Viestit ja puhelut salataan täysin. Kukaan tämän keskustelun ulkopuolinen, ei edes WhatsApp, voi lukea tai kuunnella niitä.",
        "Olet nyt ylläpitäjä",
        "Lisäsit henkilön {s}",
        "{s} poisti sinut",
    ],
    "ca": [
        "{w} ha afegit {s} i {o}",
        "{w} ha suprimit {s}",
        "{s} ha marxat del grup",
        "{s} ha creat el grup “Trilhas 2026”",
        "{s} ha canviat l'assumpte a “Trilhas 2026”",
        "{s} ha canviat la icona del grup",
        "{s} ha canviat la descripció del grup. Toca per veure-ho.",
        "{s} s'ha unit al grup amb l'enllaç d'invitació",
        "El teu codi de seguretat amb {s} ha canviat.",
        "{n} ha canviat de número de telèfon.",
        "{s} ha activat els missatges que desapareixen. Tots els missatges nous desapareixeran d'aquest xat 7 hores després d'haver-los enviat. Toca per canviar-ho.",
        "Els missatges i les trucades estan xifrats d'extrem a extrem. Ningú de fora d'aquest xat, ni tan sols el WhatsApp, els pot llegir o escoltar.",
        "Ara ets administrador",
        "Has afegit {s}",
        "{s} t'ha eliminat",
    ],
    "sk": [
        "{w} pridal/a používateľov {s} a {o}.",
        "{w} odobral/a používateľa {s}.",
        "{s} opustil/a skupinu.",
        "{s} vytvoril/a skupinu Trilhas 2026.",
        "{s} zmenil/a tému na Trilhas 2026.",
        "{s} zmenil/a ikonu tejto skupiny.",
        "{s} zmenil/a popis skupiny. Klepnutím zobrazíte.",
        "{s} sa k tejto skupine pripojil/a pomocou pozývacieho odkazu.",
        "Bezpečnostný kód, ktorý zdieľate s\xa0používateľom {s}, bol zmenený.",
        "Telefónne číslo {n} bolo zmenené na nové číslo.",
        "Používateľ {s} zapol miznúce správy. Všetky nové správy zmiznú z\xa0tohto chatu po 7\xa0hodinách po ich odoslaní. Klepnutím nastavenie zmeníte.",
        "Správy a hovory sú zabezpečené šifrovaním počas celého spojenia. Nemôže si ich vypočuť ani vidieť nikto, kto nie je ich účastníkom. Dokonca ani WhatsApp.",
        "Teraz ste správcom skupiny.",
        "Pridali ste používateľa {s}.",
        "{s} vás odobral/a.",
    ],
    "hr": [
        "{w} je dodao/la {s} i {o}",
        "{w} je uklonio/la {s}",
        "{s} je napustio/la",
        "{s} je izradio/la grupu “Trilhas 2026”",
        "{s} je promjenio/la temu u “Trilhas 2026”",
        "{s} je promijenio/la ikonu ove grupe",
        "{s} je promijenio/la opis grupe. Dotaknite za pregled.",
        "{s} se pridružio/la koristeći pozivnicu za ovu grupu",
        "Vaš sigurnosni kôd za kontakt {s} promijenio se.",
        "{n} je promijenio/la svoj broj telefona u novi broj.",
        "{s} uključuje nestajuće poruke. Sve nove poruke nestat će iz ovog razgovora 7 h nakon slanja. Dodirnite za promjenu",
        "Poruke i pozivi zaštićeni su potpunom enkripcijom. Nitko izvan ovog razgovora, čak ni WhatsApp, ne može ih pročitati niti poslušati.",
        "Sad ste admin",
        "Nadodali ste {s}",
        "{s} te obrisao",
    ],
    "bn": [
        "{w} কে {s} এবং {o} এ যোগ করেছেন",
        "{w} {s} কে সরিয়েছেন দিয়েছেন",
        "{s} বেরিয়ে এসেছেন",
        "{s} “Trilhas 2026” গ্রুপটি তৈরি করেছেন",
        "{s} গ্রুপের নাম পরিবর্তন করে “Trilhas 2026” করেছেন",
        "{s} গ্রুপের আইকন পরিবর্তন করেছেন",
        "{s} গ্রুপের বর্ণনা পরিবর্তন করেছেন। দেখতে ট্যাপ করুন।",
        "{s} এই গ্রুপের আমন্ত্রণের লিঙ্ক ব্যবহার করে যোগ দিয়েছেন",
        "{s}-এর সাথে আপনার নিরাপত্তা কোড পরিবর্তিত হয়েছে।",
        "{n} তার ফোন নম্বরটি একটি নতুন নম্বরে পরিবর্তন করেছেন।",
        "{s} সাময়িক মেসেজ চালু করেছেন। এই চ্যাট থেকে সব নতুন মেসেজ পাঠানোর 7 ঘণ্টা পর চলে যাবে। পরিবর্তন করতে ট্যাপ করুন",
        "মেসেজ এবং কল এন্ড-টু-এন্ড এনক্রিপ্টেড থাকে। এই চ্যাটে থাকা ব্যক্তি ছাড়া অন্য কেউ এমনকি WhatsApp-ও সেগুলি পড়তে বা শুনতে পারবে না।",
        "আপনি এখন একজন অ্যাডমিন",
        "আপনি {s} কে যোগ করেছেন",
        "{s} আপনাকে সরিয়ে দিয়েছেন",
    ],
    "ur": [
        "{w} نے {s} اور {o} کو شامل کیا",
        "{w} نے {s} کو ہٹایا",
        "{s} نے گروپ چھوڑ دیا",
        '{s} نے گروپ "Trilhas 2026" بنایا',
        "{s} نے نام 'Trilhas 2026' پر تبدیل کر دیا",
        "{s} نے اس گروپ کی تصویر تبدیل کر دی ہے",
        "{s} نے گروپ کی تفصیل تبدیل کر دی ہے۔ دیکھنے کے لیے ٹیپ کریں۔",
        "{s} نے اس گروپ کے دعوتی لنک کے ذریعے جوائن کیا ہے",
        "{s} کے ساتھ آپ کا سیکیورٹی کوڈ تبدیل ہوگیا ہے۔",
        "{n} نے اپنا فون نمبر نئے نمبر سے تبدیل کیا۔",
        "{s} نے غائب ہونے والے میسجز کو آن کر دیا ہے۔ تمام نئے میسجز بھیجنے کے بعد اس چیٹ سے 7 گھنٹے بعد غائب ہو جائیں گے۔ اسے تبدیل کرنے کیلئے ٹیپ کریں",
        "میسجز اور کالز اینڈ ٹو اینڈ اینکرپشن کے ذریعے محفوظ ہیں۔ اس چیٹ کی بات چیت کو باہر کا کوئی بھی شخص پڑھ یا سن نہیں سکتا، WhatsApp بھی نہیں۔",
        "اب آپ ایڈمن ہیں",
        "آپ نے {s} کو شامل کیا",
        "{s} نے آپ کو ہٹایا",
    ],
}
NOTICE_CASES = [(lang, line) for lang, lines in NOTICES.items() for line in lines]


def named(line: str) -> set[str]:
    return {name for key, name in NAMES.items() if "{" + key + "}" in line}


def test_notices_cover_twenty_languages_and_every_kind():
    assert len(NOTICES) >= 20
    assert min(len(lines) for lines in NOTICES.values()) >= 12


@pytest.mark.parametrize("lang,line", NOTICE_CASES, ids=[f"{lang}:{line[:30]}" for lang, line in NOTICE_CASES])
def test_notice_names_exactly_its_people(lang, line):
    notice = read_notice(line.format(**NAMES))
    assert notice is not None, f"{lang}: not read: {line}"
    if "} {" in notice.template:  # two names side by side (fa, bn): where one ends is not written,
        words = " ".join(notice.names).split()  # but every word of both is still someone's
        assert sorted(words) == sorted(" ".join(named(line)).split()), notice
        return
    assert {name_key(n) for n in notice.names} == {name_key(n) for n in named(line)}, notice


@pytest.mark.parametrize("shape", ["android", "ios", "ios-person-slot"])
@pytest.mark.parametrize("lang", sorted(NOTICES))
def test_notices_are_system_lines_and_name_their_people(lang, shape):
    """Android writes a notice with no author; iOS under the group's name (or a person's), marked."""
    lines = [line.format(**NAMES) for line in NOTICES[lang]]
    chatter = [f"{WRITER}: ok"]
    if shape == "android":
        head = HEADS["android"]
        text = "\n".join([head.format(m=0) + chatter[0]] + [head.format(m=i + 1) + t for i, t in enumerate(lines)])
    else:
        slot = "Trilhas" if shape == "ios" else NAMES["s"]
        head = HEADS["ios"]
        text = "\n".join(
            [head.format(m=0) + chatter[0]] + [head.format(m=i + 1) + f"{slot}: {LRM}{t}" for i, t in enumerate(lines)]
        )
    rows = parse_chat(text + "\n", group_name="Trilhas").messages
    notices_read = rows.filter(pa.compute.equal(rows["kind"], "system"))
    assert notices_read["message"].to_pylist() == lines
    assert notices_read["author"].null_count == len(lines)
    everyone = {name_key(n) for n in people_named([WRITER], rows)}
    assert {name_key(n) for line in NOTICES[lang] for n in named(line)} <= everyone


def test_no_notice_read_column_wise_takes_a_kind_line():
    """The union the parser tries on iOS lines must not take "Bu mesaj silindi" (deleted, Turkish)
    for "{person} silindi" (removed, Azerbaijani): such templates are kept for Android only."""
    words = [
        word
        for table in LANGUAGES.values()
        for kind in ("media_omitted", "omitted", "document_omitted", "contact_omitted", "deleted", "live_location")
        for word in table.get(kind, [])
    ]
    column = pa.array(words)
    taken = pa.compute.match_substring_regex(column, notices().re2)
    # Persian's "{person} {people} را حذف کرد" (removed) also reads "an admin deleted this
    # message": removals are the commoner line, so the template stays and this one line is lost.
    assert column.filter(taken).to_pylist() == ["یکی از مدیران این پیام را حذف کرد"]


@pytest.mark.parametrize(
    "old,new,created,renamed,left",
    [
        (
            "Дача",
            "Дача 2026",
            "Ana создал(-а) группу “Дача”",
            "Ana изменил(-а) тему на “Дача 2026”",
            "Lukas покинул(-а) группу",
        ),
        (
            "東京",
            "東京 2026",
            "Anaがグループ「東京」を作成しました",
            "Ana がグループ名を「東京 2026」に変更しました",
            "Lukasが退出しました",
        ),
        (
            "Zeilen",
            "Zeilen 2026",
            "Ana heeft de groep Zeilen gemaakt",
            "Ana heeft het onderwerp gewijzigd naar “Zeilen 2026”",
            "Lukas heeft de groep verlaten",
        ),
        ("ทะเล", "ทะเล 2026", "Ana ได้สร้างกลุ่ม “ทะเล”", "Ana เปลี่ยนหัวข้อเป็น “ทะเล 2026”", "Lukas ออกจากกลุ่ม"),
    ],
)
def test_ios_group_renamed_in_another_language_stays_the_group(old, new, created, renamed, left):
    """iOS files notices under the group's name of the moment: a rename, read in the chat's
    language, tells the parser the new name is the group too."""
    text = "\n".join(
        [
            f"[12/03/2024, 09:00:00] {old}: {LRM}{created}",
            f"[12/03/2024, 09:01:00] {WRITER}: ok",
            f"[12/03/2024, 09:02:00] {old}: {LRM}{renamed}",
            f"[12/03/2024, 09:03:00] {new}: {LRM}{left}",
        ]
    )
    rows = parse_chat(text + "\n").messages.to_pylist()
    assert [(r["author"], r["kind"]) for r in rows] == [
        (None, "system"),
        (WRITER, "text"),
        (None, "system"),
        (None, "system"),
    ]


def test_attached_file_names_the_whatsapp_file_whatever_the_words():
    from egregora_assets.core.raw_exports.kinds import ATTACHED_FILE

    lines = [body for body, _, _ in FILE_NAMES]
    names = pa.compute.extract_regex(pa.array(lines), ATTACHED_FILE).to_pylist()
    found = [n and n["name"] for n in names]
    assert found == [
        "IMG-20240312-WA0007.jpg",
        "PTT-20240312-WA0008.opus",
        "STK-20240312-WA0009.webp",
        "VID-20240312-WA0010.mp4",
        "AUD-20240312-WA0011.m4a",
        "DOC-20240312-WA0012.pdf",
        None,  # "\u200e" first: parse.py strips it before the kinds are read
        "00000013-AUDIO-2024-03-12-09-41-05.opus",
        "00000014-STICKER-2024-03-12-09-41-05.webp",
        None,  # inside a link: text
        "IMG-20240312-WA0013.jpg",
        None,
        None,
    ]
