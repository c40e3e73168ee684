-- The chats the bot has been added to and not removed from since. Telegram reports one arrival in a
-- group twice (my_chat_member and the new_chat_members service message, in either order): the
-- primary key lets only the first greet. A removal deletes the row, so the next arrival greets again.
CREATE TABLE chat_arrivals (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    arrived_at BIGINT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
