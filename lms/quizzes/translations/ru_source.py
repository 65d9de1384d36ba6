"""Russian texts of the quiz domain; ``python lms/quizzes/translations/ru_source.py`` rewrites the .po files."""
RU = {
    # attempts and services
    "Time is up: answers sent after the time limit are not accepted. Your attempt was submitted with the answers saved in time.":
        "Время вышло: ответы, отправленные после окончания времени, не принимаются. Попытка завершена с ответами, сохранёнными вовремя.",
    "This quiz is not open yet.": "Тест ещё не открыт.",
    "This quiz is closed.": "Тест закрыт.",
    "You have used all your attempts at this quiz.": "Вы использовали все попытки этого теста.",
    "You can try again in %(minutes)d min.": "Следующая попытка будет доступна через %(minutes)d мин.",
    "This quiz cannot start: its question category has too few questions. Please tell the author.":
        "Тест не может начаться: в его категории слишком мало вопросов. Сообщите автору.",
    "This quiz has no questions yet.": "В этом тесте пока нет вопросов.",
    "This attempt is already submitted; the answer was not saved.": "Попытка уже завершена, ответ не сохранён.",
    "The attempt is still in progress; grade it after it is submitted.":
        "Попытка ещё идёт; оцените её после завершения.",
    "Unknown question type %(type)s.": "Неизвестный тип вопроса %(type)s.",
    "Enter the question's name.": "Введите название вопроса.",
    "Enter the question text.": "Введите текст вопроса.",
    "Unknown text format.": "Неизвестный формат текста.",
    "Final quiz passed.": "Итоговый тест сдан.",
    "Pass the final quiz «%(title)s» with at least %(percent)s%%.":
        "Сдайте итоговый тест «%(title)s» не менее чем на %(percent)s%%.",
    # forms
    "Highest grade": "Лучшая оценка", "Last attempt": "Последняя попытка", "First attempt": "Первая попытка",
    "Average grade": "Средняя оценка", "Score only": "Только результат",
    "Score, correct answers and feedback": "Результат, правильные ответы и комментарии",
    "Correct answers only after the quiz closes": "Правильные ответы — только после закрытия теста",
    "Correct answers only after a pass": "Правильные ответы — только после успешной сдачи",
    "Title": "Название", "Description": "Описание",
    "Published (learners can take it)": "Опубликован (слушатели могут его проходить)",
    "Random questions from category": "Случайные вопросы из категории",
    "Number of random questions": "Количество случайных вопросов",
    "Shuffle questions": "Перемешивать вопросы", "Shuffle answer options": "Перемешивать варианты ответов",
    "Time limit, minutes (0: none)": "Ограничение времени, минут (0 — без ограничения)",
    "Attempts allowed (0: unlimited)": "Разрешено попыток (0 — без ограничения)",
    "Pause between attempts, minutes": "Пауза между попытками, минут", "Pass mark, %": "Проходной балл, %",
    "Grading method": "Метод оценивания", "Opens (UTC)": "Открывается (UTC)", "Closes (UTC)": "Закрывается (UTC)",
    "After submitting, learners see": "После завершения слушатель видит", "Inside": "Внутри категории",
    "GIFT file": "Файл GIFT", "Question text": "Текст вопроса", "Text format": "Формат текста",
    "General feedback": "Общий комментарий", "Answers (JSON)": "Ответы (JSON)", "Question number": "Номер вопроса",
    "Mark": "Балл", "Comment": "Комментарий",
    # author views
    "Quizzes": "Тесты", "Quiz created.": "Тест создан.", "The quiz must close after it opens.":
        "Тест должен закрываться позже, чем открывается.",
    "Quiz saved.": "Тест сохранён.", "No question with this number.": "Вопроса с таким номером нет.",
    "The question is already in the quiz.": "Этот вопрос уже есть в тесте.", "Question added.": "Вопрос добавлен.",
    "Question removed from the quiz.": "Вопрос убран из теста.",
    "A category with this name already exists here.": "Категория с таким названием здесь уже есть.",
    "Category created.": "Категория создана.", "%(n)d questions imported.": "Импортировано вопросов: %(n)d.",
    "Choose a GIFT file to upload.": "Выберите файл GIFT для загрузки.",
    "The answers are not valid JSON.": "Ответы записаны не в формате JSON.",
    "Saved as a new version: attempts keep the version they showed.":
        "Сохранено как новая версия: в пройденных попытках остаётся прежняя.",
    "Question saved.": "Вопрос сохранён.", "Enter a mark.": "Введите балл.", "Grade saved.": "Оценка сохранена.",
    "Score distribution": "Распределение результатов", "Attempts per score range": "Число попыток по диапазонам результата",
    # learner views
    "Time is up. Your attempt was submitted with the answers saved in time.":
        "Время вышло. Попытка завершена с ответами, сохранёнными вовремя.",
    "Question %(n)s: %(problem)s": "Вопрос %(n)s: %(problem)s", "Your answers are saved.": "Ваши ответы сохранены.",
    "The answer could not be read.": "Не удалось прочитать ответ.",
    # templates
    "Question bank": "Банк вопросов", "No answer": "Без ответа", "True": "Верно", "False": "Неверно",
    "Your answer": "Ваш ответ", "Your answer (a number)": "Ваш ответ (число)",
    "Number the items in the right order, starting from 1.": "Пронумеруйте элементы в правильном порядке, начиная с 1.",
    "Position": "Место", "Item analysis": "Анализ вопросов",
    "First attempts analysed: %(n)d": "Проанализировано первых попыток: %(n)d",
    "mean %(m)s%%, median %(md)s%%": "среднее %(m)s%%, медиана %(md)s%%", "Question": "Вопрос",
    "Attempts": "Попытки", "Facility, %%": "Лёгкость, %%", "Discrimination, %%": "Дифференцирующая сила, %%",
    "Answers": "Ответы", "no answer": "нет ответа", "No finished attempts yet.": "Завершённых попыток пока нет.",
    "Submit by %(t)s UTC": "Завершить до %(t)s UTC", "Saved": "Сохранено",
    "Not saved — check your connection; the answer will be sent again.":
        "Не сохранено — проверьте подключение; ответ будет отправлен повторно.",
    "Submit your answers? You cannot change them afterwards.": "Завершить попытку? Изменить ответы после этого нельзя.",
    "Question %(n)d": "Вопрос %(n)d", "%(m)s marks": "баллов: %(m)s", "Save answers": "Сохранить ответы",
    "Submit and finish": "Завершить попытку", "Categories": "Категории", "No categories yet.": "Категорий пока нет.",
    "Add category": "Добавить категорию",
    "The file was not imported. Fix these problems and upload it again:":
        "Файл не импортирован. Исправьте ошибки и загрузите его снова:",
    "Line %(n)d": "Строка %(n)d", "Type": "Тип", "Version": "Версия",
    "No questions in this category.": "В этой категории нет вопросов.", "Import GIFT": "Импортировать GIFT",
    "Export this category as GIFT": "Экспортировать категорию в GIFT", "Choose a category.": "Выберите категорию.",
    "Fixed questions": "Постоянные вопросы", "Remove": "Убрать", "No fixed questions.": "Постоянных вопросов нет.",
    "Add question": "Добавить вопрос", "Settings": "Настройки", "Save": "Сохранить", "Finished": "Завершена",
    "Result": "Результат", "needs grading": "ждёт проверки", "No quizzes are open to you yet.": "Доступных тестов пока нет.",
    "course final quiz": "итоговый тест курса", "published": "опубликован", "draft": "черновик", "Open": "Открыть",
    "No quizzes yet.": "Тестов пока нет.", "New quiz": "Новый тест", "Pass mark": "Проходной балл",
    "Time limit": "Ограничение времени", "%(n)d min": "%(n)d мин", "none": "нет",
    "Attempts allowed": "Разрешено попыток", "unlimited": "без ограничения", "Closes": "Закрывается",
    "Your grade: %(p)s%%": "Ваша оценка: %(p)s%%", "passed": "сдан", "not passed yet": "пока не сдан",
    "Your attempts": "Ваши попытки", "waiting for grading": "ждёт проверки", "Review": "Просмотр",
    "Continue the attempt": "Продолжить попытку", "Start the quiz": "Начать тест", "Attempt %(n)d": "Попытка %(n)d",
    "Some answers are waiting for a grader. Your result will appear when they are graded.":
        "Часть ответов ждёт проверки преподавателем. Результат появится после проверки.",
    "Score: %(p)s%%": "Набрано: %(p)s%%", "Passed": "Тест сдан", "Not passed": "Тест не сдан",
    "Back to the quiz": "Вернуться к тесту", "Correct answer": "Правильный ответ",
    "Grader comment": "Комментарий проверяющего", "Mark (0 to %(m)s)": "Балл (от 0 до %(m)s)",
    "Save grade": "Сохранить оценку", "Correct answers are not shown for this quiz.":
        "Правильные ответы в этом тесте не показываются.",
    "Correct answers will be shown later.": "Правильные ответы будут показаны позже.",
    "Fill in every field.": "Заполните все поля.", "New question": "Новый вопрос",
    'Answers are written as JSON in the shape of the question type, for example {"options": [{"id": "a", "text": "Yes", "fraction": 1}, {"id": "b", "text": "No", "fraction": 0}]}. GIFT import is usually quicker.':
        'Ответы записываются в JSON в формате типа вопроса, например {"options": [{"id": "a", "text": "Да", "fraction": 1}, {"id": "b", "text": "Нет", "fraction": 0}]}. Обычно быстрее импортировать GIFT.',
    # pure engine messages (translated where views show them)
    "Answer %(n)d: the grade must be between %(low)s%% and %(high)s%%.":
        "Ответ %(n)d: оценка должна быть от %(low)s%% до %(high)s%%.",
    "The question definition must be an object.": "Описание вопроса должно быть объектом.",
    "Unknown field %(field)s.": "Неизвестное поле %(field)s.",
    "At least %(min)d answers are needed.": "Нужно не меньше %(min)d ответов.",
    "Answer %(n)d must be an object.": "Ответ %(n)d должен быть объектом.",
    "Answer %(n)d: unknown field %(field)s.": "Ответ %(n)d: неизвестное поле %(field)s.",
    "Answer %(n)d: the id is missing or repeated.": "Ответ %(n)d: идентификатор отсутствует или повторяется.",
    "One answer must be worth 100%%.": "Один из ответов должен стоить 100%%.",
    "The chosen answer is not one of this question's options.": "Выбранного ответа нет среди вариантов этого вопроса.",
    "The correct options must add up to 100%% (now %(total)s%%).":
        "Правильные варианты должны в сумме давать 100%% (сейчас %(total)s%%).",
    "Answer true or false.": "Ответьте «верно» или «неверно».", "The answer must be text.": "Ответ должен быть текстом.",
    "The answer is too long (at most %(max)d characters).": "Ответ слишком длинный (не больше %(max)d символов).",
    "Enter a number, for example 3.5.": "Введите число, например 3,5.",
    "The answer refers to an item that is not in this question.": "Ответ ссылается на элемент, которого нет в вопросе.",
    "Put every item in order exactly once.": "Расставьте по порядку каждый элемент ровно один раз.",
    "The file is not UTF-8 text.": "Файл не является текстом в кодировке UTF-8.",
    "The file contains reserved private-use characters (U+E000 to U+E007).":
        "Файл содержит зарезервированные символы (U+E000–U+E007).",
    "The question name is not closed with ::.": "Название вопроса не закрыто символами ::.",
    "A closing brace } has no opening brace {.": "Закрывающей скобке } не соответствует открывающая {.",
    "No answer block {…} found: descriptions are not supported.": "Не найден блок ответов {…}: описания не поддерживаются.",
    "The answer block opened here is never closed with }.": "Блок ответов, открытый здесь, не закрыт скобкой }.",
    "An answer block cannot contain {; write \\{ for a literal brace.":
        "Блок ответов не может содержать {; чтобы вставить скобку, напишите \\{.",
    "The question text is empty.": "Текст вопроса пуст.",
    "Question %(name)s: %(problem)s": "Вопрос %(name)s: %(problem)s",
    "The weight %(weight)s%% is not between -100%% and 100%%.": "Вес %(weight)s%% не в пределах от -100%% до 100%%.",
    "A numerical question needs at least one number after #.": "В числовом вопросе после # нужно хотя бы одно число.",
    "A numerical question may have only one ~#feedback for other answers.":
        "В числовом вопросе может быть только один ~#комментарий для остальных ответов.",
    "Only #feedback may follow ~ in a numerical question.": "В числовом вопросе после ~ может идти только #комментарий.",
    "%(answer)s is not a number, a number:tolerance or a min..max range.":
        "%(answer)s — не число, не число:погрешность и не диапазон мин..макс.",
    "In the range %(answer)s the minimum is larger than the maximum.": "В диапазоне %(answer)s минимум больше максимума.",
    "The tolerance in %(answer)s is negative.": "Погрешность в %(answer)s отрицательная.",
    "Each matching answer needs the form =premise -> answer.": "Каждая пара на соответствие записывается как =условие -> ответ.",
    "A matching answer after -> is empty.": "Ответ после -> пуст.",
    "The grade must be a number.": "Оценка должна быть числом.",
    "The grade must be a fraction between 0 and 1.": "Оценка должна быть долей от 0 до 1.",
    "The comment is too long (at most %(max)d characters).": "Комментарий слишком длинный (не больше %(max)d символов).",
    "The grade must be between 0 and the maximum mark.": "Балл должен быть от 0 до максимального.",
    "Answer %(n)d: the text is empty.": "Ответ %(n)d: текст пуст.",
    "Answer %(n)d: %(field)s must be text.": "Ответ %(n)d: поле %(field)s должно быть текстом.",
    "Answer %(n)d: unknown text format in %(field)s.": "Ответ %(n)d: неизвестный формат текста в %(field)s.",
    "Answer %(n)d: the value must be a number or *.": "Ответ %(n)d: значение должно быть числом или *.",
    "Answer %(n)d: the tolerance must be a number of zero or more.": "Ответ %(n)d: погрешность должна быть неотрицательным числом.",
    "%(field)s must be true or false.": "Поле %(field)s должно быть true или false.",
    "%(field)s must be text.": "Поле %(field)s должно быть текстом.",
    "Unknown text format in %(field)s.": "Неизвестный формат текста в %(field)s.",
    "%(field)s must be a list of non-empty texts.": "Поле %(field)s должно быть списком непустых текстов.",
    "Unknown grading rule in %(field)s.": "Неизвестное правило оценивания в %(field)s.",
    "%(field)s must be a list.": "Поле %(field)s должно быть списком.",
}


def write_catalogues() -> None:
    """Write ru (translated) and en (identity) catalogues next to this file."""
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    here = Path(__file__).resolve().parent
    for locale in ("ru", "en"):
        catalog = Catalog(locale=locale, project="lms-quizzes")
        for msgid, text in RU.items():
            flags = ("python-format",) if "%(" in msgid or "%%" in msgid else ()
            catalog.add(msgid, text if locale == "ru" else "", flags=flags)
        target = here / locale / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as po:
            write_po(po, catalog, width=120, omit_header=False)


if __name__ == "__main__":
    write_catalogues()
