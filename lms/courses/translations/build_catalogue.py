"""(Developers) Rebuild this domain's ru/en catalogues from the table below: `python build_catalogue.py`."""
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

RU = {
    "Note": "Примечание", "Tip": "Совет", "Warning": "Внимание", "Danger": "Опасно",
    "Use lower-case Latin letters, digits and dashes, e.g. storage-basics.":
        "Используйте строчные латинские буквы, цифры и дефисы, например storage-basics.",
    "Lecture (Markdown)": "Лекция (Markdown)", "PDF or slides": "PDF или слайды", "Video": "Видео",
    "File to download": "Файл для скачивания", "Title": "Название", "Enter the title.": "Введите название.",
    "Address (slug)": "Адрес (slug)", "Enter the address.": "Введите адрес.",
    "Description (Markdown)": "Описание (Markdown)", "Language": "Язык", "Product line": "Продуктовая линейка",
    "Issue a certificate on completion": "Выдавать сертификат по завершении",
    "Certificate validity, months (0 = does not expire)": "Срок действия сертификата, месяцев (0 — бессрочно)",
    "All dealers": "Все дилеры", "Dealer tiers (comma-separated)": "Уровни дилеров (через запятую)",
    "Regions (comma-separated)": "Регионы (через запятую)", "Named dealers": "Отдельные дилеры",
    "Section title": "Название раздела", "Kind": "Тип", "Section": "Раздел",
    "Required to complete the course": "Обязателен для завершения курса",
    "Estimated time, minutes": "Время на изучение, минут", "Text (Markdown)": "Текст (Markdown)",
    "File (PDF, PPTX, MP4, WebM or a document)": "Файл (PDF, PPTX, MP4, WebM или документ)",
    "PDF export of the slides (optional, for PPTX)": "PDF-версия слайдов (необязательно, для PPTX)",
    "Or a video address from an allowed host": "Или адрес видео с разрешённого сервиса",
    "Add a file to download": "Добавить файл для скачивания", "File": "Файл",
    "This version requires recertification": "Эта версия требует повторной сертификации",
    "No dealer has the tax ID “%(tax_id)s”.": "Нет дилера с ИНН «%(tax_id)s».",
    "The video address is not on an allowed host (VIDEO_EMBED_HOSTS).":
        "Адрес видео не относится к разрешённым сервисам (VIDEO_EMBED_HOSTS).",
    "Untitled section": "Раздел без названия", "A lecture needs some text.": "В лекции должен быть текст.",
    "Upload the file for this lesson.": "Загрузите файл для этого урока.",
    "This video address is not on the list of allowed hosts.": "Этого адреса видео нет в списке разрешённых сервисов.",
    "Upload a video (MP4 or WebM) or give a video address.": "Загрузите видео (MP4 или WebM) или укажите адрес видео.",
    "A PDF preview is only for a PPTX file.": "PDF-версия нужна только для файла PPTX.",
    "This address is already used by another lesson.": "Этот адрес уже занят другим уроком.",
    "Lesson saved.": "Урок сохранён.", "This address is already taken.": "Этот адрес уже занят.",
    "Choose who sees the course: all dealers, tiers, regions or dealers.":
        "Выберите, кому виден курс: всем дилерам, уровням, регионам или отдельным дилерам.",
    "Course created. Add lessons, then publish it.": "Курс создан. Добавьте уроки и опубликуйте его.",
    "Course saved.": "Курс сохранён.", "Section added.": "Раздел добавлен.",
    "Choose a file to upload.": "Выберите файл для загрузки.",
    "File uploaded. Use it in Markdown as ![description](assets/%(name)s).":
        "Файл загружен. Вставьте его в Markdown так: ![описание](assets/%(name)s).",
    "File uploaded.": "Файл загружен.",
    "Add at least one lesson before publishing.": "Перед публикацией добавьте хотя бы один урок.",
    "Published as version %(version)d.": "Опубликовано как версия %(version)d.",
    "The course is a draft again: learners no longer see it.": "Курс снова черновик: слушатели его больше не видят.",
    "This course opens when you complete the earlier courses of its learning path.":
        "Курс откроется, когда вы завершите предыдущие курсы учебной программы.",
    "Lesson marked as studied.": "Урок отмечен как изученный.",
    ("%(num)d lesson", "%(num)d lessons"): ("%(num)d урок", "%(num)d урока", "%(num)d уроков"),
    "about %(n)d min": "около %(n)d мин",
    "Locked: complete the earlier courses of this path first.": "Закрыт: сначала завершите предыдущие курсы программы.",
    "Progress": "Прогресс", "%(percent)d%% done": "%(percent)d%% пройдено", "Completed": "Завершён",
    "Continue": "Продолжить", "Start": "Начать", "Open the course": "Открыть курс",
    "Edit courses": "Редактор курсов", "Learning path: %(title)s": "Учебная программа: %(title)s",
    "Other courses": "Другие курсы", "Courses": "Курсы", "Breadcrumbs": "Навигационная цепочка",
    "Draft: learners do not see this course yet.": "Черновик: слушатели пока не видят этот курс.",
    "%(done)d of %(total)d studied": "%(done)d из %(total)d изучено", "Lessons": "Уроки",
    "studied": "изучено", "not studied yet": "ещё не изучено", "%(n)d min": "%(n)d мин",
    "optional": "необязательный", "Final test": "Итоговый тест",
    "Best result: %(percent)s%%": "Лучший результат: %(percent)s%%", "passed": "сдан",
    "Open the test": "Перейти к тесту", "Certificate": "Сертификат",
    "You completed this course. Your certificate is on the certificates page.":
        "Вы завершили этот курс. Сертификат — на странице сертификатов.",
    "Complete every required lesson and pass the final test to receive a certificate.":
        "Изучите все обязательные уроки и сдайте итоговый тест, чтобы получить сертификат.",
    "Complete every required lesson to receive a certificate.":
        "Изучите все обязательные уроки, чтобы получить сертификат.",
    ("Valid for %(num)d month.", "Valid for %(num)d months."):
        ("Действует %(num)d месяц.", "Действует %(num)d месяца.", "Действует %(num)d месяцев."),
    "Does not expire.": "Бессрочный.", "You completed this course.": "Вы завершили этот курс.",
    "Download %(name)s": "Скачать %(name)s", "Download the PDF": "Скачать PDF", "Download the video": "Скачать видео",
    "This video cannot be shown: its address is not on the list of allowed video hosts.":
        "Видео нельзя показать: его адреса нет в списке разрешённых видеосервисов.",
    "Materials": "Материалы", "Studied": "Изучено", "Course contents": "Содержание курса",
    "New course": "Новый курс", "Published, version %(version)d": "Опубликован, версия %(version)d",
    "Draft": "Черновик", "View as a learner": "Посмотреть как слушатель", "Course settings": "Настройки курса",
    "Who sees the course": "Кому виден курс", "Save": "Сохранить",
    "Move up: %(title)s": "Выше: %(title)s", "Move down: %(title)s": "Ниже: %(title)s",
    "Add a lesson": "Добавить урок", "Add a section": "Добавить раздел", "Files": "Файлы", "Upload": "Загрузить",
    "Publishing": "Публикация", "Publish a new version": "Опубликовать новую версию", "Publish": "Опубликовать",
    "Back to draft": "Вернуть в черновики", "New lesson": "Новый урок", "Preview": "Предпросмотр",
    "Current file: %(name)s": "Текущий файл: %(name)s", "Files to download: %(names)s": "Файлы для скачивания: %(names)s",
    "Course": "Курс", "Version": "Версия", "Published": "Опубликован", "No courses yet.": "Курсов пока нет.",
    "The file was refused": "Файл не принят", "Back to the course": "Вернуться к курсу",
    "A file cannot be attached to this kind of lesson here.": "К уроку этого типа здесь нельзя прикрепить файл.",
    "Each [[paths]] needs a slug, a title and a non-empty list of course slugs.":
        "Каждой [[paths]] нужны slug, title и непустой список курсов.",
    "There is no course “%(slug)s”.": "Курса «%(slug)s» нет.",
    # Upload checks (lms/courses/uploads.py)
    "A %(kind)s file is not allowed here. Allowed: %(allowed)s.": "Файл типа %(kind)s здесь не принимается. Можно: %(allowed)s.",
    "The archive contains a file with an unsafe path: %(path)s": "В архиве есть файл с небезопасным путём: %(path)s",
    "The archive contains a symbolic link, which is not allowed.": "В архиве есть символическая ссылка — так нельзя.",
    "The archive is password-protected and cannot be checked.": "Архив защищён паролем, его нельзя проверить.",
    "The archive is compressed suspiciously strongly and was refused for safety.":
        "Архив сжат подозрительно сильно и отклонён из соображений безопасности.",
    "The archive has too many files (%(count)s; the limit is %(limit)s).":
        "В архиве слишком много файлов (%(count)s; допустимо %(limit)s).",
    "The archive unpacks to more than %(limit_mb)s MB.": "Архив распаковывается больше чем в %(limit_mb)s МБ.",
    "The file name ends in “%(extension)s” but the content is a %(kind)s file.":
        "Имя файла оканчивается на «%(extension)s», а по содержимому это файл %(kind)s.",
    "This type of file is not supported here. Allowed: %(allowed)s.": "Такой тип файла здесь не поддерживается. Можно: %(allowed)s.",
    "The file name is not allowed: use a plain name without folders or special characters.":
        "Недопустимое имя файла: используйте простое имя без папок и специальных символов.",
    "The file is empty.": "Файл пустой.", "The archive is damaged and cannot be checked.": "Архив повреждён, его нельзя проверить.",
    "The file is too large: the limit for this type is %(limit_mb)s MB.":
        "Файл слишком большой: для этого типа предел %(limit_mb)s МБ.",
    # Content files (lms/courses/content_files.py, markdown.py)
    "The asset “%(name)s” does not exist in assets/.": "Файла «%(name)s» нет в assets/.",
    "A lesson must start with front matter between --- lines.": "Урок должен начинаться с заголовка между строками ---.",
    "Unknown lesson kind “%(kind)s”; use one of: %(kinds)s.": "Неизвестный тип урока «%(kind)s»; допустимо: %(kinds)s.",
    "“minutes” must be between 0 and 1000.": "«minutes» должно быть от 0 до 1000.",
    "The title must not be empty.": "Название не может быть пустым.",
    "A Markdown lesson needs some text after the front matter.": "В уроке Markdown после заголовка должен быть текст.",
    "A %(kind)s lesson needs “file”.": "Уроку типа %(kind)s нужен «file».",
    "A video lesson needs exactly one of “file” or “video_url”.": "Видеоуроку нужен ровно один из ключей «file» или «video_url».",
    "“video_url” must be an https:// address.": "«video_url» должен быть адресом https://.",
    "In [quiz], pass_percent must be 1..100 and the other numbers not negative.":
        "В [quiz] pass_percent должен быть от 1 до 100, а остальные числа — неотрицательными.",
    "In [quiz], feedback must be one of: %(values)s.": "В [quiz] feedback должен быть одним из: %(values)s.",
    "The quiz file “%(name)s” does not exist next to course.toml (a .gift file).":
        "Файла теста «%(name)s» нет рядом с course.toml (нужен файл .gift).",
    "Targeting needs either all = true or at least one of tiers, regions, dealers, not both.":
        "В targeting укажите либо all = true, либо хотя бы один из списков tiers, regions, dealers, но не то и другое.",
    "The lesson is not listed in any [[sections]] of course.toml.": "Урок не указан ни в одном [[sections]] файла course.toml.",
    "The course folder name must be a slug: lower-case letters, digits and dashes.":
        "Имя папки курса должно быть slug: строчные латинские буквы, цифры и дефисы.",
    "The course folder has no course.toml.": "В папке курса нет course.toml.",
    "language must be a two-letter code such as ru or en.": "language должен быть двухбуквенным кодом, например ru или en.",
    "Two lesson files share the slug “%(slug)s”.": "У двух файлов уроков одинаковый slug «%(slug)s».",
    "Unknown key “%(key)s”.": "Неизвестный ключ «%(key)s».", "The file is not UTF-8 text.": "Файл не в кодировке UTF-8.",
    "The file is not valid TOML: %(detail)s": "Файл не является корректным TOML: %(detail)s",
    "Assets must be plain files with plain names.": "В assets должны быть обычные файлы с простыми именами.",
    "The asset's content does not match its name or is not a supported type.":
        "Содержимое файла не соответствует его имени или тип не поддерживается.",
    "The asset “%(name)s” is a %(kind)s file, expected one of: %(expected)s.":
        "Файл «%(name)s» имеет тип %(kind)s, а нужен один из: %(expected)s.",
    "“%(key)s” cannot be used in a %(kind)s lesson.": "«%(key)s» нельзя использовать в уроке типа %(kind)s.",
    "“preview_pdf” is only for a lesson whose file is a PPTX.": "«preview_pdf» — только для урока с файлом PPTX.",
    "Images must come from the course's assets/: “%(src)s”.": "Изображения должны быть из папки assets/ курса: «%(src)s».",
    "A lesson file must be a plain file named NN-slug.md (e.g. 01-storage.md).":
        "Файл урока должен называться NN-slug.md (например, 01-storage.md).",
    "Two lessons share the number %(number)s; number them uniquely or list [[sections]].":
        "У двух уроков один номер %(number)s; пронумеруйте их по-разному или перечислите [[sections]].",
    "Each entry of sections must be a [[sections]] table.": "Каждый элемент sections должен быть таблицей [[sections]].",
    "validity_months must not be negative.": "validity_months не может быть отрицательным.",
    "Missing required key “%(key)s”.": "Не хватает обязательного ключа «%(key)s».",
    "“%(key)s” must be of type %(type)s.": "«%(key)s» должен иметь тип %(type)s.",
    "The lesson file “%(name)s” does not exist.": "Файла урока «%(name)s» нет.",
    "The content folder does not exist.": "Папки с материалами нет.",
    "The lesson file “%(name)s” is listed twice.": "Файл урока «%(name)s» указан дважды.",
    "The front matter is not closed by a line of three dashes (---).": "Заголовок урока не закрыт строкой из трёх дефисов (---).",
    "The front matter is not valid TOML: %(detail)s": "Заголовок урока не является корректным TOML: %(detail)s",
}


def build(locale: str) -> None:
    catalog = Catalog(locale=locale, project="lms-courses")
    for msgid, msgstr in RU.items():
        catalog.add(msgid, msgstr if locale == "ru" else ("" if isinstance(msgid, str) else ("", "")))
    target = Path(__file__).resolve().parent / locale / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        write_po(handle, catalog, width=120, sort_output=True)


if __name__ == "__main__":
    build("ru")
    build("en")
